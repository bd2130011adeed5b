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
