import type { TreeNode } from '../state/conversation-tree.js';
import { MessageItem } from './message-item.js';

/** The answers of a compare-mode send, side by side; the selected one continues the chat. */
export function CompareGroup({ nodes, selectedId }: { nodes: TreeNode[]; selectedId: string }) {
  return (
    <section
      className="compare-group"
      aria-label={`Comparison of ${nodes.length} models`}
      data-testid="compare-group"
    >
      {nodes.map((node) => (
        <MessageItem key={node.id} node={node} inGroup selected={node.id === selectedId} />
      ))}
    </section>
  );
}
