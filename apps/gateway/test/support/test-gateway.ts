import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config/resolve-config.js';
import type { KeySettings } from '../../src/keys/api-keys.js';
import { createLogger, SecretScrubber } from '../../src/logging/create-logger.js';
import { Gateway } from '../../src/server/create-gateway.js';

/** A gateway in this process on a loopback port, with its own data directory and captured logs. */
export interface TestGateway {
  readonly gateway: Gateway;
  readonly url: string;
  readonly adminKey: string;
  /** Creates an API key and returns its secret. */
  createKey(settings?: Partial<KeySettings>): string;
  /** `POST /v1/chat/completions` with `key` (the admin key by default). */
  chat(
    body: Record<string, unknown>,
    init?: { key?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  /** The JSON log lines written so far. */
  logs(): string[];
  close(): Promise<void>;
}

/** Starts a gateway from a config file object (`server.port` 0, no playground, a temp data dir). */
export async function startTestGateway(file: Record<string, unknown>): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-cache-'));
  const server = (file.server ?? {}) as Record<string, unknown>;
  const config = resolveConfig({
    file: { ...file, server: { port: 0, playground: false, shutdownTimeoutMs: 1_000, dataDir, ...server } },
    env: {},
    cwd: dataDir,
  });
  const lines: string[] = [];
  const scrubber = new SecretScrubber();
  const logger = createLogger({
    level: 'info',
    scrubber,
    destination: { write: (line) => lines.push(line) },
  });
  const gateway = await Gateway.create({ config, logger, scrubber });
  const url = await gateway.listen();
  const adminKey = gateway.accounting.bootstrap.adminKeyCreated as string;
  return {
    gateway,
    url,
    adminKey,
    createKey: (settings = {}) => gateway.accounting.createKey({ name: 'tenant', ...settings }).secret,
    chat: (body, init = {}) =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${init.key ?? adminKey}`,
          'content-type': 'application/json',
          ...init.headers,
        },
        body: JSON.stringify(body),
      }),
    logs: () => lines,
    async close() {
      await gateway.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The parts of an SSE answer a client reads: the text of choice 0, the chunks, and whether it ended with [DONE]. */
export function readStream(text: string): {
  content: string;
  chunks: Record<string, unknown>[];
  done: boolean;
  errors: number;
} {
  const chunks: Record<string, unknown>[] = [];
  let done = false;
  let errors = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const data = line.slice(6);
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    const parsed = JSON.parse(data) as Record<string, unknown>;
    if (parsed.error) errors += 1;
    else chunks.push(parsed);
  }
  const content = chunks
    .map((c) => (c.choices as { delta?: { content?: string } }[])[0]?.delta?.content ?? '')
    .join('');
  return { content, chunks, done, errors };
}
