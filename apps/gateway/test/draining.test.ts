import { once } from 'node:events';
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { removeDir, startGateway } from './support/gateway-process.js';

/** Polls until `check` holds (bounds a hang, not a timing). */
async function until(check: () => boolean, what: string, waitMs = 10_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`still not true after ${waitMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// docs/deploy.md: `/readyz` answers 503 while an instance drains, which nginx's retry relies on.
// A draining gateway accepts no new connection, so the probe goes on a connection still open:
// pipelined after a stream that is still running when SIGTERM arrives.
it('answers /readyz with 503 while it drains (SIGTERM), on a connection still open', async () => {
  const gateway = await startGateway();
  try {
    const { port, hostname } = new URL(gateway.url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    let received = '';
    socket.setEncoding('utf8').on('data', (text: string) => {
      received += text;
    });
    socket.on('error', () => undefined);
    const body = JSON.stringify({
      model: 'simulator/babble',
      stream: true,
      messages: [{ role: 'user', content: '[simulate:words=40] [simulate:tps=40] talk' }],
    });
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gateway.adminKey}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await until(() => received.includes('chat.completion.chunk'), 'the first chunk');
    gateway.process.kill('SIGTERM');
    await until(() => gateway.stdout().includes('"msg":"draining"'), 'the gateway drains');
    socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
    // The answers come in order: the rest of the stream, then /readyz's.
    const afterStream = () => received.slice(received.indexOf('data: [DONE]'));
    await until(() => /"status":"\w+"/.test(afterStream()), 'the /readyz answer');
    const readyz = afterStream().slice(afterStream().indexOf('HTTP/1.1 '));
    expect(readyz).toMatch(/^HTTP\/1\.1 503 /);
    expect(readyz).toContain('{"status":"draining"}');
    expect(await gateway.exited, gateway.stderr()).toBe(0);
    socket.destroy();
  } finally {
    removeDir(gateway.dataDir);
  }
});
