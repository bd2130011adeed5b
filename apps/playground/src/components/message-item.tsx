import { useState } from 'react';
import { settingsIssues } from '../state/build-request.js';
import { pathTo, type TreeMessage, type TreeNode } from '../state/conversation-tree.js';
import { createId } from '../state/create-id.js';
import { answerRequest, settingsRequest } from '../state/export-requests.js';
import { sentHistory } from '../state/sent-history.js';
import { AssistantAnswer } from './assistant-answer.js';
import { BranchSwitcher } from './branch-switcher.js';
import { CopyButton } from './copy-button.js';
import { MessageEditor } from './message-editor.js';
import { MoreActions } from './more-actions.js';
import { usePlayground } from './playground-context.js';

function plainText(message: TreeMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .flatMap((part) =>
      'text' in part && typeof part.text === 'string'
        ? [part.text]
        : part.type === 'image_url'
          ? []
          : [`[${part.type}]`],
    )
    .join('\n');
}

/** The images a message carries (`image_url` content parts). */
function MessageImages({ message }: { message: TreeMessage }) {
  const { content } = message;
  if (!Array.isArray(content)) return null;
  const urls = content.flatMap((part) => (part.type === 'image_url' ? [part.image_url.url] : []));
  if (urls.length === 0) return null;
  return (
    <div className="message-images">
      {urls.map((url, index) => (
        <img key={url.slice(-32) + String(index)} src={url} alt={`Attachment ${index + 1} of this message`} />
      ))}
    </div>
  );
}

function withText(message: TreeMessage, text: string): TreeMessage {
  if (message.role === 'assistant')
    return { ...message, content: text === '' && message.tool_calls?.length ? null : text };
  if (message.role === 'user' && Array.isArray(message.content)) {
    // An edit changes the text; the message keeps its images.
    const images = message.content.filter((part) => part.type === 'image_url');
    return { ...message, content: [...(text ? [{ type: 'text' as const, text }] : []), ...images] };
  }
  return { ...message, content: text };
}

/** Longer messages are shown collapsed (a 5,000-word answer is thousands of pixels tall). */
const LONG_MESSAGE_CHARS = 4000;

function words(text: string): string {
  return (text.match(/\S+/g)?.length ?? 0).toLocaleString();
}

interface MessageItemProps {
  node: TreeNode;
  /** Shown as one column of a comparison. */
  inGroup?: boolean;
  selected?: boolean;
}

/** One message of the conversation with its actions: edit, re-run, branch, export, delete. */
export function MessageItem({ node, inGroup, selected }: MessageItemProps) {
  const { conversation, dispatch, runner, openExport, notify } = usePlayground();
  const [editing, setEditing] = useState(false);
  const [expanded, setExpanded] = useState(false);
  const { message, answer } = node;
  const streaming = answer?.status === 'streaming';
  const long = !streaming && plainText(message).length > LONG_MESSAGE_CHARS;
  const collapsed = long && !expanded;
  const conversationId = conversation.id;

  const roleLabel =
    message.role === 'user'
      ? 'You'
      : message.role === 'tool'
        ? 'Tool result'
        : (answer?.model ?? 'Assistant');
  const toolName =
    message.role === 'tool'
      ? pathTo(conversation.tree, node.id)
          .flatMap((n) => (n.message.role === 'assistant' ? (n.message.tool_calls ?? []) : []))
          .find((call) => call.id === message.tool_call_id)?.function.name
      : undefined;

  const save = (text: string, mode: 'replace' | 'branch') => {
    dispatch({
      type: 'edit-message',
      id: conversationId,
      nodeId: node.id,
      message: withText(message, text),
      mode,
      now: Date.now(),
    });
    setEditing(false);
  };
  const report = (refusal: { reason: string } | null) => {
    if (refusal) notify(refusal.reason);
  };
  const exportRequest = () => {
    const sent = answerRequest(conversation, node);
    if (sent) {
      openExport({
        title: 'Export the request of this answer',
        choices: [
          {
            label: 'This answer',
            note: 'Exactly the request the playground sent for this answer.',
            request: sent,
          },
        ],
      });
      return;
    }
    const issue = settingsIssues(conversation.settings)[0];
    if (issue) return notify(issue.message);
    openExport({
      title: 'Export the request that answers this message',
      choices: [
        {
          label: 'Answer this message',
          note: 'The request that answers this message with the current settings.',
          request: settingsRequest(conversation, sentHistory(pathTo(conversation.tree, node.id))),
        },
      ],
    });
  };

  return (
    <article
      className={`message message--${message.role}${inGroup ? ' message--column' : ''}${selected ? ' is-selected' : ''}`}
      aria-label={`${roleLabel} message`}
      data-testid={`message-${message.role}`}
      data-status={answer?.status}
    >
      <header className="message__header">
        <span className="message__role">{roleLabel}</span>
        {message.role === 'tool' && (
          <span className="muted small">
            {toolName ? <code>{toolName}</code> : null} {message.tool_call_id}
          </span>
        )}
        {answer?.edited && <span className="badge">edited</span>}
        {inGroup && selected && <span className="badge badge--accent">continues the chat</span>}
        {!inGroup && <BranchSwitcher nodeId={node.id} />}
      </header>

      {editing ? (
        <MessageEditor
          initial={plainText(message)}
          label={`Edit ${roleLabel} message`}
          onSave={(text) => save(text, 'replace')}
          onBranch={(text) => save(text, 'branch')}
          onRun={
            message.role === 'user'
              ? (text) => {
                  setEditing(false);
                  report(runner.editAndRun(conversation, node.id, text));
                }
              : undefined
          }
          onCancel={() => setEditing(false)}
        />
      ) : (
        <div
          className={collapsed ? 'message__body is-collapsed' : 'message__body'}
          data-testid="message-body"
        >
          {message.role === 'assistant' ? (
            <AssistantAnswer message={message} answer={answer} />
          ) : (
            <>
              <div className={message.role === 'tool' ? 'message-text message-text--code' : 'message-text'}>
                {plainText(message)}
              </div>
              <MessageImages message={message} />
            </>
          )}
        </div>
      )}
      {long && !editing && (
        <button type="button" className="small-button message__expand" onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show less' : `Show all (${words(plainText(message))} words)`}
        </button>
      )}

      {!editing && !streaming && (
        <div className="message__actions">
          {inGroup && !selected && (
            <button
              type="button"
              className="small-button small-button--accent"
              onClick={() => dispatch({ type: 'select-message', id: conversationId, nodeId: node.id })}
            >
              Continue with this
            </button>
          )}
          <CopyButton text={plainText(message)} label="Copy message" />
          <button type="button" className="small-button" onClick={() => setEditing(true)}>
            Edit
          </button>
          {message.role !== 'tool' && (
            <button
              type="button"
              className="small-button"
              onClick={() => report(runner.rerun(conversation, node.id))}
            >
              {message.role === 'assistant' ? 'Re-run' : 'Answer again'}
            </button>
          )}
          <MoreActions label={`More actions for this ${roleLabel} message`}>
            <button
              type="button"
              className="small-button"
              onClick={() =>
                dispatch({
                  type: 'branch',
                  id: conversationId,
                  nodeId: node.id,
                  newId: createId('c'),
                  now: Date.now(),
                })
              }
            >
              Branch
            </button>
            <button type="button" className="small-button" onClick={exportRequest}>
              Export
            </button>
            <button
              type="button"
              className="small-button small-button--danger"
              onClick={() =>
                dispatch({ type: 'delete-message', id: conversationId, nodeId: node.id, now: Date.now() })
              }
              aria-label={`Delete this message${node.children.length > 0 ? ' and what follows' : ''}`}
            >
              Delete
            </button>
          </MoreActions>
        </div>
      )}
    </article>
  );
}
