import { describe, expect, it } from 'vitest';
import { headerLines } from './wrk.js';

describe('headerLines (what post.lua reads from $BENCH_HEADERS)', () => {
  it('is empty for a target without headers', () => {
    expect(headerLines()).toBe('');
    expect(headerLines({})).toBe('');
  });

  it('writes one `name: value` line per header', () => {
    expect(
      headerLines({ 'x-portkey-provider': 'openai', 'x-portkey-custom-host': 'http://127.0.0.1:4000/v1' }),
    ).toBe('x-portkey-provider: openai\nx-portkey-custom-host: http://127.0.0.1:4000/v1\n');
  });

  it('refuses a header that would split into another line', () => {
    expect(() => headerLines({ 'x-a': 'b\r\nx-injected: 1' })).toThrow('bad header for wrk: x-a');
    expect(() => headerLines({ 'x:a': 'b' })).toThrow('bad header for wrk');
  });
});
