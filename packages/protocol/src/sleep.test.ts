import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from './sleep.js';

describe('sleep', () => {
  it('resolves after the delay and leaves no abort listener behind', async () => {
    const controller = new AbortController();
    await expect(sleep(5, controller.signal)).resolves.toBeUndefined();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(sleep(5)).resolves.toBeUndefined();
  });

  it('rejects with the reason when aborted while waiting, long delays included', async () => {
    const controller = new AbortController();
    const waiting = sleep(2 ** 40, controller.signal);
    const reason = new Error('caller left');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it('rejects at once when the signal already aborted, whatever the delay', async () => {
    const reason = new Error('gone');
    await expect(sleep(0, AbortSignal.abort(reason))).rejects.toBe(reason);
    await expect(sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
