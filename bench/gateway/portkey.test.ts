// Pure parts of the anchor only: nothing here installs or starts Portkey.
import { describe, expect, it } from 'vitest';
import { HONO_NODE_SERVER_VERSION, PORTKEY_VERSION, portkeyHeaders, portkeyManifest } from './portkey.js';
import { anchorComparisons, MIN_ANCHOR_THROUGHPUT_RATIO } from './throughput.js';

describe('portkeyManifest', () => {
  it('pins Portkey and forces @hono/node-server 1.13.8 on every dependant (overrides)', () => {
    expect(PORTKEY_VERSION).toBe('1.15.2');
    expect(HONO_NODE_SERVER_VERSION).toBe('1.13.8');
    expect(portkeyManifest()).toMatchObject({
      private: true,
      dependencies: { '@portkey-ai/gateway': '1.15.2', '@hono/node-server': '1.13.8' },
      overrides: { '@hono/node-server': '1.13.8' },
    });
  });
});

describe('portkeyHeaders', () => {
  it("routes to the OpenAI provider at the upstream's /v1", () => {
    const upstream = { url: 'http://127.0.0.1:4123/v1/chat/completions' };
    expect(portkeyHeaders(upstream)).toEqual({
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': 'http://127.0.0.1:4123/v1',
    });
  });
});

describe('anchorComparisons', () => {
  const summary = {
    json: { '32': { gateway: { rps: 4000 }, portkey: { rps: 800 } } },
    stream: { '32': { gateway: { rps: 1800 }, portkey: { rps: 650 } } },
  };

  it('gives the gateway ÷ anchor req/s per mode and load, met at ≥ 5×', () => {
    const ratios = {
      json: { '32': { throughputVsAnchor: 5 } },
      stream: { '32': { throughputVsAnchor: 2.77 } },
    };
    expect(MIN_ANCHOR_THROUGHPUT_RATIO).toBe(5);
    expect(anchorComparisons(ratios, summary, 'portkey')).toEqual([
      { mode: 'json', connections: 32, gatewayRps: 4000, anchorRps: 800, ratio: 5, met: true },
      { mode: 'stream', connections: 32, gatewayRps: 1800, anchorRps: 650, ratio: 2.77, met: false },
    ]);
  });

  it('is not met when the ratio is missing', () => {
    const [json] = anchorComparisons({ json: { '32': {} } }, summary, 'portkey');
    expect(json).toMatchObject({ ratio: Number.NaN, met: false });
  });
});
