import { describe, expect, it } from 'vitest';
import { answerInfo as answer } from './answer-info-fixture.js';
import {
  activePath,
  addNode,
  type ConversationTree,
  compareGroupOf,
  copyPath,
  editNode,
  emptyTree,
  pathTo,
  removeNode,
  selectNode,
  siblingInfo,
  type TreeMessage,
} from './conversation-tree.js';

const user = (content: string): TreeMessage => ({ role: 'user', content });
const assistant = (content: string): TreeMessage => ({ role: 'assistant', content });
const texts = (tree: ConversationTree) => activePath(tree).map((node) => node.message.content);

/** u1 → a1 → u2 → a2, returning the ids. */
function chain() {
  let tree = emptyTree();
  const ids: string[] = [];
  let parent: string | null = null;
  for (const message of [user('u1'), assistant('a1'), user('u2'), assistant('a2')]) {
    const added: { tree: ConversationTree; id: string } = addNode(tree, parent, message);
    tree = added.tree;
    parent = added.id;
    ids.push(added.id);
  }
  return { tree, ids: ids as [string, string, string, string] };
}

describe('conversation tree', () => {
  it('shows the messages in order on the active branch', () => {
    const { tree } = chain();
    expect(texts(tree)).toEqual(['u1', 'a1', 'u2', 'a2']);
  });

  it('keeps the original when an edit is saved as a branch, and switches between the two', () => {
    const { tree, ids } = chain();
    const edited = editNode(tree, ids[2], user('u2 edited'), 'branch');
    expect(texts(edited.tree)).toEqual(['u1', 'a1', 'u2 edited']);
    expect(siblingInfo(edited.tree, edited.id)).toMatchObject({ index: 1, count: 2, previous: ids[2] });
    const back = selectNode(edited.tree, ids[2]);
    expect(texts(back)).toEqual(['u1', 'a1', 'u2', 'a2']);
  });

  it('edits in place without losing what follows, and flags edited answers', () => {
    const { tree, ids } = chain();
    const withAnswer = addNode(tree, ids[3], user('u3'));
    const replaced = editNode(withAnswer.tree, ids[1], assistant('a1 fixed'), 'replace').tree;
    expect(texts(replaced)).toEqual(['u1', 'a1 fixed', 'u2', 'a2', 'u3']);
    const generated = addNode(tree, ids[2], assistant('re-run'), { answer: answer() });
    const flagged = editNode(generated.tree, generated.id, assistant('re-run, edited'), 'replace').tree;
    expect(flagged.nodes[generated.id]?.answer?.edited).toBe(true);
  });

  it('adds a re-run as a sibling answer and shows it, keeping the old one reachable', () => {
    const { tree, ids } = chain();
    const rerun = addNode(tree, ids[2], assistant('a2 again'));
    expect(texts(rerun.tree)).toEqual(['u1', 'a1', 'u2', 'a2 again']);
    expect(siblingInfo(rerun.tree, ids[3])).toMatchObject({ index: 0, count: 2, next: rerun.id });
  });

  it('deletes a message with everything after it and shows the neighbouring branch', () => {
    const { tree, ids } = chain();
    const rerun = addNode(tree, ids[2], assistant('a2 again'));
    const removed = removeNode(rerun.tree, rerun.id);
    expect(texts(removed)).toEqual(['u1', 'a1', 'u2', 'a2']);
    const cut = removeNode(removed, ids[1]);
    expect(texts(cut)).toEqual(['u1']);
    expect(Object.keys(cut.nodes)).toEqual([ids[0]]);
    expect(texts(removeNode(cut, ids[0]))).toEqual([]);
  });

  it('selecting a deep message selects every fork above it', () => {
    const { tree, ids } = chain();
    const other = addNode(tree, ids[0], assistant('a1 alt'));
    const deep = addNode(other.tree, other.id, user('u2 alt')).tree;
    const original = selectNode(deep, ids[3]);
    expect(texts(original)).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(pathTo(original, ids[3]).map((n) => n.id)).toEqual(ids);
  });

  it('copies one branch into a new tree for "branch into a new chat"', () => {
    const { tree, ids } = chain();
    const fork = addNode(tree, ids[0], assistant('a1 alt'));
    const copy = copyPath(fork.tree, ids[2]);
    expect(texts(copy)).toEqual(['u1', 'a1', 'u2']);
    expect(Object.keys(copy.nodes)).toHaveLength(3);
  });

  it('groups the answers of one compare-mode send', () => {
    const { tree, ids } = chain();
    let next = tree;
    const group: string[] = [];
    for (const model of ['m1', 'm2', 'm3']) {
      const added = addNode(next, ids[2], assistant(model), {
        answer: answer({ model, compareGroup: 'g1' }),
        select: model === 'm1',
      });
      next = added.tree;
      group.push(added.id);
    }
    expect(texts(next).at(-1)).toBe('m1');
    expect(compareGroupOf(next, group[1] as string).map((n) => n.message.content)).toEqual([
      'm1',
      'm2',
      'm3',
    ]);
    expect(compareGroupOf(next, ids[3]).map((n) => n.id)).toEqual([ids[3]]);
  });

  it('refuses a parent that does not exist', () => {
    expect(() => addNode(emptyTree(), 'nope', user('x'))).toThrow(/No message nope/);
  });
});
