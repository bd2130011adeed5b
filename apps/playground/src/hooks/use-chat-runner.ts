import type { Client } from '@switchyard/client';
import type { UserContentPart, UserMessageParam } from '@switchyard/protocol';
import { type Dispatch, useCallback, useEffect, useRef, useState } from 'react';
import { newAnswer } from '../state/answer-info.js';
import { buildParams, composeRequest, type SettingIssue, settingsIssues } from '../state/build-request.js';
import { targetModels } from '../state/chat-settings.js';
import { activePath, pathTo, type TreeMessage } from '../state/conversation-tree.js';
import { createId } from '../state/create-id.js';
import { liveToMessage } from '../state/live-answer.js';
import type { Conversation, PlaygroundAction, PlaygroundData } from '../state/playground-state.js';
import { runCompletion } from '../state/run-completion.js';
import { sentHistory } from '../state/sent-history.js';
import { awaitsAnswer, pendingToolCalls, toolResultMessage } from '../state/tool-turns.js';

/** Why a send did not happen. */
export type SendRefusal = { reason: string; issues: SettingIssue[] };

export interface ToolAnswer {
  callId: string;
  content: string;
}

export interface ChatRunner {
  /** Ids of the answers being generated. */
  running: ReadonlySet<string>;
  isRunning(conversationId: string): boolean;
  /**
   * Sends `text` with `images` (data URLs, sent as `image_url` content parts), or, when both are
   * empty, asks the model to continue; null when sent.
   */
  send(conversation: Conversation, text: string, images?: readonly string[]): SendRefusal | null;
  /** A new answer for a message: a sibling of an assistant message, a reply to a user or tool one. */
  rerun(conversation: Conversation, nodeId: string): SendRefusal | null;
  /** Saves an edited user message as a new branch and answers it. */
  editAndRun(conversation: Conversation, nodeId: string, text: string): SendRefusal | null;
  /** Adds tool results; once every call has one, the model continues. */
  answerTools(conversation: Conversation, answers: readonly ToolAnswer[]): SendRefusal | null;
  stop(conversationId: string): void;
  /** Aborts the requests whose answer (or conversation) was deleted meanwhile. */
  abortOrphans(data: PlaygroundData): void;
}

/** A user message's content: the text alone, or content parts when images come with it. */
function userContent(text: string, images: readonly string[]): UserMessageParam['content'] {
  if (images.length === 0) return text;
  const parts: UserContentPart[] = text.trim() ? [{ type: 'text', text }] : [];
  for (const url of images) parts.push({ type: 'image_url', image_url: { url } });
  return parts;
}

function refusalFor(conversation: Conversation): SendRefusal | null {
  const issues = settingsIssues(conversation.settings);
  return issues.length > 0 ? { reason: issues[0]?.message ?? 'Check the settings.', issues } : null;
}

/**
 * Runs requests for the conversations: each answer is a node of the tree created when the
 * request starts and filled as chunks arrive (at most once per frame), so it streams in place,
 * side by side in compare mode, and survives switching chats.
 */
export function useChatRunner(client: Client, dispatch: Dispatch<PlaygroundAction>): ChatRunner {
  const controllers = useRef(new Map<string, { conversationId: string; controller: AbortController }>());
  const pending = useRef(new Map<string, { conversationId: string; message: TreeMessage }>());
  const frame = useRef<number | null>(null);
  const [running, setRunning] = useState<ReadonlySet<string>>(new Set());

  const flush = useCallback(() => {
    frame.current = null;
    for (const [nodeId, { conversationId, message }] of pending.current) {
      dispatch({ type: 'update-answer', id: conversationId, nodeId, message, answer: {} });
    }
    pending.current.clear();
  }, [dispatch]);

  useEffect(
    () => () => {
      for (const { controller } of controllers.current.values()) controller.abort();
    },
    [],
  );

  const start = useCallback(
    (conversation: Conversation, parent: string | null, messages: TreeMessage[], models: string[]) => {
      const { settings } = conversation;
      const group = models.length > 1 ? createId('g') : null;
      models.forEach((model, index) => {
        const nodeId = createId('m');
        const params = buildParams(settings, model);
        const answer = newAnswer({
          status: 'streaming',
          model,
          params,
          system: settings.system,
          startedAt: Date.now(),
          compareGroup: group,
        });
        dispatch({
          type: 'start-answer',
          id: conversation.id,
          parent,
          nodeId,
          answer,
          select: index === 0,
          now: Date.now(),
        });
        const controller = new AbortController();
        controllers.current.set(nodeId, { conversationId: conversation.id, controller });
        setRunning(new Set(controllers.current.keys()));
        const request = composeRequest(params, settings.system, messages);
        void runCompletion(client, request, {
          signal: controller.signal,
          onUpdate: (live) => {
            pending.current.set(nodeId, { conversationId: conversation.id, message: liveToMessage(live) });
            frame.current ??= requestAnimationFrame(flush);
          },
        }).then((result) => {
          pending.current.delete(nodeId);
          controllers.current.delete(nodeId);
          setRunning(new Set(controllers.current.keys()));
          dispatch({
            type: 'update-answer',
            id: conversation.id,
            nodeId,
            message: result.message,
            answer: result.answer,
          });
        });
      });
    },
    [client, dispatch, flush],
  );

  const send = useCallback(
    (conversation: Conversation, text: string, images: readonly string[] = []): SendRefusal | null => {
      const path = activePath(conversation.tree);
      if (pendingToolCalls(path).length > 0) {
        return { reason: 'Answer the tool calls first (or edit or delete that message).', issues: [] };
      }
      const refusal = refusalFor(conversation);
      if (refusal) return refusal;
      const messages = sentHistory(path);
      let parent = path.at(-1)?.id ?? null;
      if (text.trim() || images.length > 0) {
        const message: TreeMessage = { role: 'user', content: userContent(text, images) };
        const nodeId = createId('m');
        dispatch({ type: 'add-message', id: conversation.id, parent, nodeId, message, now: Date.now() });
        messages.push(message);
        parent = nodeId;
      } else if (!awaitsAnswer(path)) {
        return { reason: 'Type a message first.', issues: [] };
      }
      start(conversation, parent, messages, targetModels(conversation.settings));
      return null;
    },
    [dispatch, start],
  );

  const rerun = useCallback(
    (conversation: Conversation, nodeId: string): SendRefusal | null => {
      const node = conversation.tree.nodes[nodeId];
      if (!node) return null;
      const refusal = refusalFor(conversation);
      if (refusal) return refusal;
      if (node.message.role === 'assistant') {
        const messages = node.parent === null ? [] : sentHistory(pathTo(conversation.tree, node.parent));
        // An answer from a comparison is re-run with its own model; others with the current one.
        const model = node.answer?.compareGroup ? node.answer.model : conversation.settings.model;
        start(conversation, node.parent, messages, [model]);
      } else {
        const messages = sentHistory(pathTo(conversation.tree, nodeId));
        start(conversation, nodeId, messages, targetModels(conversation.settings));
      }
      return null;
    },
    [start],
  );

  const editAndRun = useCallback(
    (conversation: Conversation, nodeId: string, text: string): SendRefusal | null => {
      const node = conversation.tree.nodes[nodeId];
      if (node?.message.role !== 'user') return null;
      const refusal = refusalFor(conversation);
      if (refusal) return refusal;
      const message: TreeMessage = { role: 'user', content: text };
      const newId = createId('m');
      dispatch({
        type: 'edit-message',
        id: conversation.id,
        nodeId,
        message,
        mode: 'branch',
        newId,
        now: Date.now(),
      });
      const before = node.parent === null ? [] : sentHistory(pathTo(conversation.tree, node.parent));
      start(conversation, newId, [...before, message], targetModels(conversation.settings));
      return null;
    },
    [dispatch, start],
  );

  const answerTools = useCallback(
    (conversation: Conversation, answers: readonly ToolAnswer[]): SendRefusal | null => {
      const path = activePath(conversation.tree);
      const waiting = pendingToolCalls(path);
      const messages = sentHistory(path);
      let parent = path.at(-1)?.id ?? null;
      for (const { callId, content } of answers) {
        if (!waiting.some((p) => p.call.id === callId)) continue;
        const message = toolResultMessage(callId, content);
        const nodeId = createId('m');
        dispatch({ type: 'add-message', id: conversation.id, parent, nodeId, message, now: Date.now() });
        messages.push(message);
        parent = nodeId;
      }
      const answered = new Set(answers.map((a) => a.callId));
      if (!waiting.every((p) => answered.has(p.call.id))) return null;
      const refusal = refusalFor(conversation);
      if (refusal) return refusal;
      start(conversation, parent, messages, targetModels(conversation.settings));
      return null;
    },
    [dispatch, start],
  );

  const stop = useCallback((conversationId: string) => {
    for (const { conversationId: owner, controller } of controllers.current.values()) {
      if (owner === conversationId) controller.abort();
    }
  }, []);

  const abortOrphans = useCallback((data: PlaygroundData) => {
    for (const [nodeId, { conversationId, controller }] of controllers.current) {
      if (!data.conversations[conversationId]?.tree.nodes[nodeId]) controller.abort();
    }
  }, []);

  const isRunning = useCallback(
    (conversationId: string) =>
      [...controllers.current.values()].some((c) => c.conversationId === conversationId),
    // `running` changes whenever the controllers do, so the function identity follows them.
    [running],
  );

  return { running, isRunning, send, rerun, editAndRun, answerTools, stop, abortOrphans };
}
