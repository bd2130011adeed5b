import { describe, expect, it } from 'vitest';
import { PartialArgsBuilder } from './gemini-partial-args.js';

describe('PartialArgsBuilder', () => {
  it('continues a string while willContinue is set, and ends it on the next fragment', () => {
    const builder = new PartialArgsBuilder();
    builder.add([{ jsonPath: '$.location', stringValue: 'San ', willContinue: true }]);
    builder.add([{ jsonPath: '$.location', stringValue: 'Francisco', willContinue: true }]);
    builder.add([{ jsonPath: '$.location', stringValue: '' }]);
    expect(JSON.stringify(builder.args)).toBe('{"location":"San Francisco"}');
  });

  it('does not append to a string that was already closed', () => {
    const builder = new PartialArgsBuilder();
    builder.add([{ jsonPath: '$.a', stringValue: 'x' }]);
    builder.add([{ jsonPath: '$.a', stringValue: 'y' }]);
    expect(builder.args).toStrictEqual({ a: 'y' });
  });

  it('builds nested objects and arrays from paths, with every value kind', () => {
    const builder = new PartialArgsBuilder();
    builder.add([
      { jsonPath: '$.recipe.name', stringValue: 'Lasagna' },
      { jsonPath: '$.recipe.items[0].qty', numberValue: 2 },
      { jsonPath: '$.recipe.items[1].qty', numberValue: 3.5 },
      { jsonPath: '$.recipe.vegan', boolValue: false },
      { jsonPath: '$.recipe.notes', nullValue: 'NULL_VALUE' },
      { jsonPath: "$['odd key']", stringValue: 'ok' },
    ]);
    expect(builder.args).toStrictEqual({
      recipe: { name: 'Lasagna', items: [{ qty: 2 }, { qty: 3.5 }], vegan: false, notes: null },
      'odd key': 'ok',
    });
  });

  it('keeps __proto__ as a plain key', () => {
    const builder = new PartialArgsBuilder();
    builder.add([{ jsonPath: '$.__proto__.polluted', stringValue: 'yes' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(builder.args)).toBe('{"__proto__":{"polluted":"yes"}}');
  });
});
