import { describe, expect, it } from 'vitest';
import { HELP, parseOptions } from './options.js';

describe('parseOptions --anchor', () => {
  it('runs no anchor unless asked', () => {
    expect(parseOptions(['--quick'])).toMatchObject({ mode: 'throughput', anchor: undefined });
  });

  it('takes portkey as the anchor of a throughput run', () => {
    expect(parseOptions(['--quick', '--anchor', 'portkey'])).toMatchObject({
      mode: 'throughput',
      quick: true,
      anchor: 'portkey',
    });
  });

  it('names the one anchor it knows when given another', () => {
    expect(() => parseOptions(['--anchor', 'litellm'])).toThrow('--anchor: expected portkey, got "litellm"');
  });

  it('refuses an anchor outside the throughput run', () => {
    for (const mode of ['--soak', '--soak-long', '--profile'])
      expect(() => parseOptions([mode, '--anchor', 'portkey'])).toThrow(
        '--anchor goes with the throughput run',
      );
  });

  it('documents the flag, the pinned versions and where it installs', () => {
    expect(HELP).toContain('--anchor portkey');
    expect(HELP).toContain('@portkey-ai/gateway 1.15.2');
    expect(HELP).toContain('@hono/node-server 1.13.8');
    expect(HELP).toContain('bench/.anchors/portkey/');
  });
});
