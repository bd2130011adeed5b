import { describe, it } from 'vitest';
import { fuzzDecoder, fuzzRoundTrip } from './properties.js';

describe('decodeSSE under fuzzing', () => {
  it('arbitrary bytes split anywhere: only known events, errors as ProtocolError events, always ends', async () => {
    await fuzzDecoder(2_000);
  });

  it('valid frames split anywhere decode to exactly what was encoded', async () => {
    await fuzzRoundTrip(1_000);
  });
});
