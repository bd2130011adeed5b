import { useEffect, useMemo, useRef } from 'react';
import { activePath, compareGroupOf } from '../state/conversation-tree.js';
import { pendingToolCalls } from '../state/tool-turns.js';
import { CompareGroup } from './compare-group.js';
import { EmptyChat } from './empty-chat.js';
import { MessageItem } from './message-item.js';
import { usePlayground } from './playground-context.js';
import { ToolResultsForm } from './tool-results-form.js';

/** The branch being shown, message by message, with comparisons side by side and pending tool calls last. */
export function MessageThread() {
  const { conversation, runner } = usePlayground();
  const { tree } = conversation;
  const path = useMemo(() => activePath(tree), [tree]);
  const pending = useMemo(() => pendingToolCalls(path), [path]);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // Follow the stream while the reader is at the bottom; leave them alone when they scrolled up.
  useEffect(() => {
    const element = scroller.current;
    if (element && stick.current) element.scrollTop = element.scrollHeight;
  }, [tree]);
  useEffect(() => {
    stick.current = true;
  }, [conversation.id]);
  // A new answer (a send, a re-run, "Send result and continue") is followed to its end.
  const answers = runner.running.size;
  const before = useRef(answers);
  useEffect(() => {
    if (answers > before.current) {
      stick.current = true;
      const element = scroller.current;
      if (element) element.scrollTop = element.scrollHeight;
    }
    before.current = answers;
  }, [answers]);

  return (
    <div
      className="thread"
      ref={scroller}
      onScroll={(event) => {
        const element = event.currentTarget;
        stick.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
      }}
    >
      <div className="thread__inner" aria-live="off">
        {path.length === 0 && <EmptyChat />}
        {path.map((node) => {
          const group = node.answer?.compareGroup ? compareGroupOf(tree, node.id) : [];
          return group.length > 1 ? (
            <CompareGroup key={node.answer?.compareGroup ?? node.id} nodes={group} selectedId={node.id} />
          ) : (
            <MessageItem key={node.id} node={node} />
          );
        })}
        {pending.length > 0 && <ToolResultsForm pending={pending} />}
      </div>
    </div>
  );
}
