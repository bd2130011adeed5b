import { describe, expect, it } from 'vitest';
import { abortable } from './abortable.js';
import { staticModels } from './static-models.js';

describe('staticModels', () => {
  it('turns ids into models and keeps models as given', () => {
    const given = { id: 'b', object: 'model', created: 7, owned_by: 'someone' } as const;
    expect(staticModels(['a', given], 'acme')).toStrictEqual([
      { id: 'a', object: 'model', created: 0, owned_by: 'acme' },
      given,
    ]);
  });
});

describe('abortable', () => {
  it('rejects with the reason as soon as the signal fires, and passes results through otherwise', async () => {
    const controller = new AbortController();
    const pending = abortable(new Promise<never>(() => {}), controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    await expect(abortable(Promise.resolve(1), new AbortController().signal)).resolves.toBe(1);
    await expect(abortable(Promise.resolve(1), AbortSignal.abort(new Error('early')))).rejects.toThrow(
      'early',
    );
  });
});
