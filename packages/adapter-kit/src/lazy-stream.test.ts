import { describe, expect, it } from 'vitest';
import { type LazyStreamSource, lazyStream } from './lazy-stream.js';
import { type ReadyItems, takeReady } from './ready-items.js';

function source(items: number[]) {
  const log: string[] = [];
  async function* generate() {
    try {
      for (const item of items) yield item;
    } finally {
      log.push('items ended');
    }
  }
  const open = async (): Promise<LazyStreamSource<number>> => {
    log.push('opened');
    return { items: generate(), close: () => log.push('closed') };
  };
  return { log, open };
}

describe('lazyStream', () => {
  it('opens on the first next(), then gives the opened items in order', async () => {
    const { log, open } = source([1, 2, 3]);
    const stream = lazyStream(open);
    expect(log).toStrictEqual([]);
    const seen: number[] = [];
    for await (const item of stream) seen.push(item);
    expect(seen).toStrictEqual([1, 2, 3]);
    expect(log).toStrictEqual(['opened', 'items ended']);
  });

  it('a consumer that stops early closes the source and ends the items', async () => {
    const { log, open } = source([1, 2, 3]);
    for await (const item of lazyStream(open)) {
      expect(item).toBe(1);
      break;
    }
    expect(log).toStrictEqual(['opened', 'closed', 'items ended']);
  });

  it('stopping while the source is still opening closes it once it is open; stopping before never opens it', async () => {
    const { log, open } = source([1]);
    const stream = lazyStream(open);
    const first = stream.next();
    await stream.return?.();
    expect(await first).toStrictEqual({ done: true, value: undefined });
    expect(log).toStrictEqual(['opened', 'closed']);
    const untouched = source([1]);
    const never = lazyStream(untouched.open);
    await never.return?.();
    expect(await never.next()).toStrictEqual({ done: true, value: undefined });
    expect(untouched.log).toStrictEqual([]);
  });

  it('a failure to open rejects the first next()', async () => {
    const stream = lazyStream<number>(async () => {
      throw new Error('no upstream');
    });
    await expect(stream.next()).rejects.toThrow('no upstream');
  });
});

describe('lazyStream: items at hand', () => {
  it('passes takeReady to the opened items: none before they open, none after return()', async () => {
    let at = 0;
    const items: AsyncIterator<number> & ReadyItems<number> = {
      next: async () => (at < 3 ? { done: false, value: at++ } : { done: true, value: undefined }),
      takeReady: () => (at > 0 && at < 3 ? { done: false, value: at++ } : undefined),
    };
    const stream = lazyStream(async () => ({ items, close: () => {} }));
    expect(takeReady(stream)).toBeUndefined();
    expect(await stream.next()).toStrictEqual({ done: false, value: 0 });
    expect(takeReady(stream)).toStrictEqual({ done: false, value: 1 });
    await stream.return?.();
    expect(takeReady(stream)).toBeUndefined();
  });
});
