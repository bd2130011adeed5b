import { siblingInfo } from '../state/conversation-tree.js';
import { usePlayground } from './playground-context.js';

/** "‹ 2 / 3 ›": moves between the alternatives (edits, re-runs) of a message. */
export function BranchSwitcher({ nodeId }: { nodeId: string }) {
  const { conversation, dispatch } = usePlayground();
  const info = siblingInfo(conversation.tree, nodeId);
  if (info.count < 2) return null;
  const go = (target: string | undefined) => {
    if (target) dispatch({ type: 'select-message', id: conversation.id, nodeId: target });
  };
  return (
    <span className="branch-switcher">
      <button
        type="button"
        className="icon-button"
        aria-label="Previous version"
        disabled={!info.previous}
        onClick={() => go(info.previous)}
      >
        ‹
      </button>
      <span aria-live="polite" data-testid="branch-position">
        {info.index + 1} / {info.count}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label="Next version"
        disabled={!info.next}
        onClick={() => go(info.next)}
      >
        ›
      </button>
    </span>
  );
}
