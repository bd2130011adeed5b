import { ProtocolError } from '@switchyard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { loadApiKey } from './load-api-key.js';

const VARIABLE = 'SWITCHYARD_ADAPTER_KIT_TEST_KEY';
afterEach(() => {
  delete process.env[VARIABLE];
});

function failure(run: () => unknown): ProtocolError {
  try {
    run();
  } catch (error) {
    expect(ProtocolError.isInstance(error)).toBe(true);
    return error as ProtocolError;
  }
  throw new Error('expected a failure');
}

describe('loadApiKey', () => {
  it('prefers apiKey, else reads the variable at each call', () => {
    expect(loadApiKey({ apiKey: 'k1', apiKeyEnv: VARIABLE, adapterName: 'Acme' })).toBe('k1');
    process.env[VARIABLE] = 'from-env';
    expect(loadApiKey({ apiKeyEnv: VARIABLE, adapterName: 'Acme' })).toBe('from-env');
    process.env[VARIABLE] = 'rotated';
    expect(loadApiKey({ apiKeyEnv: VARIABLE, adapterName: 'Acme' })).toBe('rotated');
    expect(loadApiKey({ defaultApiKeyEnv: VARIABLE, adapterName: 'Acme' })).toBe('rotated');
  });

  it('a configured apiKeyEnv wins over the default variable', () => {
    process.env[VARIABLE] = 'default';
    const error = failure(() =>
      loadApiKey({ apiKeyEnv: `${VARIABLE}_OTHER`, defaultApiKeyEnv: VARIABLE, adapterName: 'Acme' }),
    );
    expect(error.message).toBe(`The Acme adapter has no API key: set ${VARIABLE}_OTHER.`);
  });

  it('a missing key is a 500 server_error, not retryable, saying what to set', () => {
    const error = failure(() => loadApiKey({ defaultApiKeyEnv: VARIABLE, adapterName: 'Acme' }));
    expect(error.status).toBe(500);
    expect(error.code).toBe('server_error');
    expect(error.isRetryable).toBe(false);
    expect(error.message).toBe(`The Acme adapter has no API key: set ${VARIABLE} or pass apiKey.`);
    expect(failure(() => loadApiKey({ adapterName: 'Acme' })).message).toBe(
      'The Acme adapter has no API key: pass apiKey or apiKeyEnv.',
    );
  });

  it('an optional key may be missing', () => {
    expect(loadApiKey({ apiKeyEnv: VARIABLE, adapterName: 'Acme', required: false })).toBeUndefined();
  });
});
