// A second floor (`--proxy ledger`): the bare proxy plus the least any gateway that keeps a usage
// ledger must do per request, written as plainly and cheaply as possible. The client's key is
// hashed and looked up (401 if unknown); the request body is read whole and parsed (model and messages checked);
// the upstream answer is relayed byte for byte, and read on the way (a non-stream body parsed
// whole; a stream split into events and every event parsed) to find its usage; one ledger row per
// request goes into SQLite (WAL, one transaction per event-loop turn). No routing, no limits, no
// logging, no metrics, no validation beyond two fields.
//
//   node ledger-proxy.js --target http://127.0.0.1:PORT --repo <repository root> --db <file> --key <secret> [--port 0]
//
// Prints `{"event":"listening","port":N}` on stdout once it listens.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { endToEnd, linkEnds, listenOnLoopback, upstreamAgent } from './proxy-http.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    repo: { type: 'string' },
    db: { type: 'string' },
    key: { type: 'string' },
    port: { type: 'string', default: '0' },
  },
});
if (!values.target || !values.repo || !values.db || !values.key) {
  process.stderr.write(
    'ledger-proxy: --target <url>, --repo <dir>, --db <file> and --key <secret> are required\n',
  );
  process.exit(2);
}
// The compiled script runs from a temp directory: take the gateway's own dependencies.
const gatewayRequire = createRequire(join(values.repo, 'apps/gateway/package.json'));
const protocolRequire = createRequire(join(values.repo, 'packages/protocol/package.json'));
const Database = gatewayRequire('better-sqlite3');
// The SSE parser our protocol package uses (not a dependency of the repository root).
type CreateParser = (callbacks: { onEvent(event: { data: string }): void }) => { feed(text: string): void };
const { createParser } = (await import(protocolRequire.resolve('eventsource-parser'))) as {
  createParser: CreateParser;
};

const target = new URL(values.target);
const agent = upstreamAgent();

const db = new Database(values.db);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS ledger (id TEXT PRIMARY KEY, key_hash TEXT, model TEXT,
  status INTEGER, prompt_tokens INTEGER, completion_tokens INTEGER, latency_ms REAL, created_at INTEGER)`);
const insert = db.prepare('INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
type Row = [string, string, string, number, number, number, number, number];
let pending: Row[] = [];
const commit = db.transaction((rows: Row[]) => {
  for (const row of rows) insert.run(...row);
});
function record(row: Row): void {
  if (pending.length === 0) setImmediate(flush);
  pending.push(row);
}
function flush(): void {
  const rows = pending;
  pending = [];
  commit(rows);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Keys are stored hashed, as the gateway stores them. */
const keys = new Set([sha256(values.key)]);

type Usage = { prompt_tokens?: number; completion_tokens?: number } | null | undefined;

const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
  const started = performance.now();
  const keyHash = sha256(req.headers.authorization?.replace(/^Bearer /, '') ?? '');
  if (!keys.has(keyHash)) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"Incorrect API key provided.","type":"authentication_error"}}');
    return;
  }
  const pieces: Buffer[] = [];
  req.on('data', (piece: Buffer) => pieces.push(piece));
  req.on('end', () => {
    const body = Buffer.concat(pieces);
    let parsed: { model?: unknown; messages?: unknown; stream?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      parsed = {};
    }
    if (typeof parsed.model !== 'string' || !Array.isArray(parsed.messages)) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"model and messages are required","type":"invalid_request_error"}}');
      return;
    }
    const model = parsed.model;
    const headers = endToEnd(req.headers);
    headers.host = target.host;
    headers['content-length'] = String(body.length);
    const upstream = request(
      { host: target.hostname, port: target.port, method: 'POST', path: req.url, headers, agent },
      (upstreamRes) => {
        const status = upstreamRes.statusCode ?? 502;
        res.writeHead(status, endToEnd(upstreamRes.headers));
        const finish = (usage: Usage) =>
          record([
            randomUUID(),
            keyHash,
            model,
            status,
            usage?.prompt_tokens ?? 0,
            usage?.completion_tokens ?? 0,
            performance.now() - started,
            Date.now(),
          ]);
        if (parsed.stream === true) {
          let usage: Usage;
          const parser = createParser({
            onEvent: (event) => {
              if (event.data === '[DONE]') return;
              const chunk = JSON.parse(event.data) as { usage?: Usage };
              if (chunk.usage) usage = chunk.usage;
            },
          });
          const text = new TextDecoder();
          upstreamRes.on('data', (piece: Buffer) => {
            res.write(piece);
            parser.feed(text.decode(piece, { stream: true }));
          });
          upstreamRes.on('end', () => {
            finish(usage);
            res.end();
          });
        } else {
          const answer: Buffer[] = [];
          upstreamRes.on('data', (piece: Buffer) => answer.push(piece));
          upstreamRes.on('end', () => {
            const bytes = Buffer.concat(answer);
            finish((JSON.parse(bytes.toString('utf8')) as { usage?: Usage }).usage);
            res.end(bytes);
          });
        }
      },
    );
    linkEnds(res, upstream);
    upstream.end(body);
  });
});
listenOnLoopback(server, Number(values.port));
const stop = () => {
  flush();
  db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
