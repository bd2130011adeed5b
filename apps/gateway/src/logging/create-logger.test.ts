import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, SecretScrubber, toKitLogger } from './create-logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with the level name and the fields given', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination });
    logger.child({ request_id: 'req-7' }).info({ model: 'm' }, 'request finished');
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      level: 'info',
      service: 'switchyard',
      request_id: 'req-7',
      model: 'm',
      msg: 'request finished',
    });
  });

  it('redacts secret-named fields at any of the built-in paths, and configured extra paths', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination, redact: ['upstream.sessionId'] });
    logger.info({
      apiKey: 'abc',
      headers: { authorization: 'Bearer x', 'x-api-key': 'y' },
      provider: { apiKey: 'p', name: 'openai' },
      upstream: { sessionId: 's' },
    });
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      apiKey: '[redacted]',
      headers: { authorization: '[redacted]', 'x-api-key': '[redacted]' },
      provider: { apiKey: '[redacted]', name: 'openai' },
      upstream: { sessionId: '[redacted]' },
    });
  });

  it('censors secret-named fields at any depth, in arrays, in any case, and in child bindings', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination }).child({ token: 'bound-token' });
    logger.warn({
      Authorization: 'Basic abc',
      providers: [
        { name: 'a', apiKey: 'pk-1' },
        { name: 'b', api_key: 'pk-2' },
      ],
      deep: { one: { two: { password: 'hunter2', kept: 1 } } },
      req: { headers: { Cookie: 'sid=1', accept: 'text/plain' } },
    });
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      token: '[redacted]',
      Authorization: '[redacted]',
      providers: [
        { name: 'a', apiKey: '[redacted]' },
        { name: 'b', api_key: '[redacted]' },
      ],
      deep: { one: { two: { password: '[redacted]', kept: 1 } } },
      req: { headers: { Cookie: '[redacted]', accept: 'text/plain' } },
    });
    for (const secret of ['bound-token', 'Basic abc', 'pk-1', 'pk-2', 'hunter2', 'sid=1'])
      expect(lines[0]).not.toContain(secret);
  });

  it('scrubs registered secrets and key-shaped strings even inside messages', () => {
    const { lines, destination } = capture();
    const scrubber = new SecretScrubber();
    scrubber.add('upstream-secret-value-123');
    const logger = toKitLogger(createLogger({ level: 'info', destination, scrubber }));
    logger.error('upstream said: invalid key upstream-secret-value-123', {
      detail: 'sent Authorization: Bearer sk-sy-AbCdEfGhIjKlMnOp and AIzaSyA1234567890abcdefghijklmnopqrstu',
    });
    const text = lines.join('');
    expect(text).not.toContain('upstream-secret-value-123');
    expect(text).not.toContain('AbCdEfGhIjKlMnOp');
    expect(text).not.toContain('AIzaSyA1234567890');
    expect(JSON.parse(text).msg).toBe('upstream said: invalid key [redacted]');
  });
});
