import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from './memory-cache-store.js';

describe('MemoryCacheStore', () => {
  it('forgets an entry once its time to live has passed', async () => {
    let now = 1_000;
    const store = new MemoryCacheStore({ maxEntries: 10, maxBytes: 1_000, now: () => now });
    await store.set('a', 'value', 500);
    now = 1_499;
    expect(await store.get('a')).toBe('value');
    now = 1_500;
    expect(await store.get('a')).toBeUndefined();
    expect(store.bytes).toBe(0);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const store = new MemoryCacheStore({ maxEntries: 2, maxBytes: 1_000 });
    await store.set('a', '1', 60_000);
    await store.set('b', '2', 60_000);
    expect(await store.get('a')).toBe('1'); // a is now the most recently used
    await store.set('c', '3', 60_000);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBe('1');
    expect(await store.get('c')).toBe('3');
    expect(store.size).toBe(2);
  });

  it('keeps the total size under maxBytes, counting UTF-8 bytes, and refuses a value larger than it', async () => {
    const store = new MemoryCacheStore({ maxEntries: 100, maxBytes: 10 });
    await store.set('a', 'é'.repeat(3), 60_000); // 6 bytes
    await store.set('b', 'abcd', 60_000);
    expect(store.bytes).toBe(10);
    await store.set('c', 'x', 60_000);
    expect(await store.get('a')).toBeUndefined();
    expect(store.bytes).toBe(5);
    await store.set('big', 'x'.repeat(11), 60_000);
    expect(await store.get('big')).toBeUndefined();
    expect(await store.get('b')).toBe('abcd');
  });

  it('replaces an entry written again under the same key', async () => {
    const store = new MemoryCacheStore({ maxEntries: 10, maxBytes: 100 });
    await store.set('a', 'first', 60_000);
    await store.set('a', 'second!', 60_000);
    expect(await store.get('a')).toBe('second!');
    expect(store.size).toBe(1);
    expect(store.bytes).toBe(7);
  });
});
