import { describe, expect, it } from 'vitest';
import { checkCompletion, checkStream } from './conformance-checks.js';
import { collectStream, readErrorEnvelope } from './conformance-client.js';

// A failing conformance check must say what the server answered: its status and body, and which
// field of a malformed answer is wrong, never a bare ZodError.

const failure = (run: () => unknown) =>
  Promise.resolve()
    .then(run)
    .then(
      () => 'passed',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );

const refusal = () =>
  new Response(
    '{"error":{"message":"seed is not supported","type":"invalid_request_error","param":"seed","code":"unsupported_parameter"}}',
    {
      status: 400,
      headers: { 'content-type': 'application/json' },
    },
  );

describe('conformance failures show the answer', () => {
  it('a refused completion: the status and the body', async () => {
    const message = await failure(() => checkCompletion(refusal()));
    expect(message).toContain('expected 200, got status 400: {"error":{"message":"seed is not supported"');
  });

  it('a malformed completion: the field at fault and the answer', async () => {
    const body = JSON.stringify({ object: 'chat.completion', choices: [] });
    const message = await failure(() => checkCompletion(new Response(body, { status: 200 })));
    expect(message).toMatch(/^the completion is not valid \(id: .*\); the answer was status 200: \{"object"/);
  });

  it('a refused stream: the status and the body', async () => {
    const stream = await collectStream(refusal());
    const message = await failure(() => checkStream(stream, { includeUsage: false }));
    expect(message).toContain('expected 200, got status 400: {"error":{"message":"seed is not supported"');
  });

  it('an error answer that is not the envelope: the status and the body', async () => {
    const message = await failure(() =>
      readErrorEnvelope(new Response('upstream exploded', { status: 502 })),
    );
    expect(message).toBe('the error answer is not JSON: status 502: upstream exploded');
  });
});
