import type { AssistantMessageParam, ToolMessageParam, UserMessageParam } from '@switchyard/protocol';
import type { AnswerInfo } from './answer-info.js';
import { createId } from './create-id.js';

/** A message of the conversation (the system prompt lives in the settings). */
export type TreeMessage = UserMessageParam | AssistantMessageParam | ToolMessageParam;

export interface TreeNode {
  id: string;
  parent: string | null;
  children: string[];
  message: TreeMessage;
  answer?: AnswerInfo;
}

/**
 * A conversation with branches: every message is a node, alternatives (edits kept as branches,
 * re-runs, compared models) are siblings, and `selected` says which child is shown at each fork
 * (key: parent id, `''` for the first message).
 */
export interface ConversationTree {
  nodes: Record<string, TreeNode>;
  roots: string[];
  selected: Record<string, string>;
}

const ROOT = '';

export function emptyTree(): ConversationTree {
  return { nodes: {}, roots: [], selected: {} };
}

export function childrenOf(tree: ConversationTree, parent: string | null): readonly string[] {
  return parent === null ? tree.roots : (tree.nodes[parent]?.children ?? []);
}

function selectedChild(tree: ConversationTree, parent: string | null): TreeNode | undefined {
  const children = childrenOf(tree, parent);
  const chosen = tree.selected[parent ?? ROOT];
  const id = chosen !== undefined && children.includes(chosen) ? chosen : children.at(-1);
  return id === undefined ? undefined : tree.nodes[id];
}

/** The branch being shown: from the first message, the selected child at every fork. */
export function activePath(tree: ConversationTree): TreeNode[] {
  const path: TreeNode[] = [];
  for (let node = selectedChild(tree, null); node; node = selectedChild(tree, node.id)) path.push(node);
  return path;
}

/** The nodes from the first message down to `id`, inclusive. */
export function pathTo(tree: ConversationTree, id: string): TreeNode[] {
  const path: TreeNode[] = [];
  for (let node = tree.nodes[id]; node; node = node.parent === null ? undefined : tree.nodes[node.parent]) {
    path.unshift(node);
  }
  return path;
}

export interface SiblingInfo {
  index: number;
  count: number;
  previous: string | undefined;
  next: string | undefined;
}

export function siblingInfo(tree: ConversationTree, id: string): SiblingInfo {
  const node = tree.nodes[id];
  const siblings = node ? childrenOf(tree, node.parent) : [];
  const index = siblings.indexOf(id);
  return { index, count: siblings.length, previous: siblings[index - 1], next: siblings[index + 1] };
}

function withNode(tree: ConversationTree, node: TreeNode): ConversationTree {
  return { ...tree, nodes: { ...tree.nodes, [node.id]: node } };
}

/** Shows `id`: selects it, and every ancestor, at each fork above it. */
export function selectNode(tree: ConversationTree, id: string): ConversationTree {
  const selected = { ...tree.selected };
  for (const node of pathTo(tree, id)) selected[node.parent ?? ROOT] = node.id;
  return { ...tree, selected };
}

export interface AddOptions {
  answer?: AnswerInfo;
  id?: string;
  /** Show the new node (default true). */
  select?: boolean;
}

/** Adds a message under `parent` (null: a first message); returns the tree and the new id. */
export function addNode(
  tree: ConversationTree,
  parent: string | null,
  message: TreeMessage,
  options: AddOptions = {},
): { tree: ConversationTree; id: string } {
  if (parent !== null && !tree.nodes[parent]) throw new Error(`No message ${parent} in this conversation.`);
  const id = options.id ?? createId('m');
  const node: TreeNode = { id, parent, children: [], message };
  if (options.answer) node.answer = options.answer;
  let next: ConversationTree = withNode(tree, node);
  if (parent === null) next = { ...next, roots: [...tree.roots, id] };
  else {
    const parentNode = tree.nodes[parent] as TreeNode;
    next = withNode(next, { ...parentNode, children: [...parentNode.children, id] });
  }
  if (options.select !== false) next = selectNode(next, id);
  return { tree: next, id };
}

/** Replaces fields of a node (message, answer). */
export function updateNode(
  tree: ConversationTree,
  id: string,
  patch: Partial<Pick<TreeNode, 'message' | 'answer'>>,
): ConversationTree {
  const node = tree.nodes[id];
  return node ? withNode(tree, { ...node, ...patch }) : tree;
}

/**
 * Changes a message's text. `replace` edits it in place (what follows stays); `branch` keeps the
 * original and adds the edited copy as a new sibling, selected, with nothing after it yet.
 */
export function editNode(
  tree: ConversationTree,
  id: string,
  message: TreeMessage,
  mode: 'replace' | 'branch',
  newId?: string,
): { tree: ConversationTree; id: string } {
  const node = tree.nodes[id];
  if (!node) return { tree, id };
  if (mode === 'replace') {
    const answer = node.answer ? { ...node.answer, edited: true } : undefined;
    return { tree: updateNode(tree, id, answer ? { message, answer } : { message }), id };
  }
  const answer = node.answer ? { ...node.answer, edited: true, compareGroup: null } : undefined;
  return addNode(tree, node.parent, message, {
    ...(answer ? { answer } : {}),
    ...(newId ? { id: newId } : {}),
  });
}

/** Removes a message and everything after it on its branch (its whole subtree). */
export function removeNode(tree: ConversationTree, id: string): ConversationTree {
  const node = tree.nodes[id];
  if (!node) return tree;
  const nodes = { ...tree.nodes };
  const selected = { ...tree.selected };
  const stack = [id];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    stack.push(...(nodes[current]?.children ?? []));
    delete nodes[current];
    delete selected[current];
  }
  const siblings = childrenOf(tree, node.parent);
  const index = siblings.indexOf(id);
  const remaining = siblings.filter((sibling) => sibling !== id);
  let roots = tree.roots;
  if (node.parent === null) roots = remaining;
  else {
    const parent = nodes[node.parent] as TreeNode;
    nodes[node.parent] = { ...parent, children: remaining };
  }
  const key = node.parent ?? ROOT;
  if (selected[key] === id) {
    // Show the neighbour that took its place (the previous one when it was last).
    const neighbour = remaining[Math.min(index, remaining.length - 1)];
    if (neighbour === undefined) delete selected[key];
    else selected[key] = neighbour;
  }
  return { nodes, roots, selected };
}

/**
 * A new tree holding only the path from the first message to `id` (ids kept), for branching a
 * conversation into a new one.
 */
export function copyPath(tree: ConversationTree, id: string): ConversationTree {
  let copy = emptyTree();
  for (const node of pathTo(tree, id)) {
    copy = addNode(copy, node.parent, node.message, {
      id: node.id,
      ...(node.answer ? { answer: node.answer } : {}),
    }).tree;
  }
  return copy;
}

/** Siblings of `id` produced by the same compare-mode send, in order (just `id` otherwise). */
export function compareGroupOf(tree: ConversationTree, id: string): TreeNode[] {
  const node = tree.nodes[id];
  if (!node) return [];
  const group = node.answer?.compareGroup;
  if (!group) return [node];
  return childrenOf(tree, node.parent)
    .map((sibling) => tree.nodes[sibling] as TreeNode)
    .filter((sibling) => sibling.answer?.compareGroup === group);
}
