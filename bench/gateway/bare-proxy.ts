// The floor: a pass-through proxy with no parsing at all. node:http in, node:http out over a
// keep-alive Agent; request and response bytes are piped as they come.
//
//   node --import tsx bench/gateway/bare-proxy.ts --target http://127.0.0.1:PORT [--port 0]
//
// Prints `{"event":"listening","port":N}` on stdout once it listens.
import { createServer, request } from 'node:http';
import { parseArgs } from 'node:util';
import { endToEnd, linkEnds, listenOnLoopback, upstreamAgent } from './proxy-http.js';

const { values } = parseArgs({
  options: { target: { type: 'string' }, port: { type: 'string', default: '0' } },
});
if (!values.target) {
  process.stderr.write('bare-proxy: --target <url> is required\n');
  process.exit(2);
}
const target = new URL(values.target);
const agent = upstreamAgent();

const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
  const headers = endToEnd(req.headers);
  headers.host = target.host;
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
      agent,
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, endToEnd(upstreamRes.headers));
      upstreamRes.pipe(res);
    },
  );
  linkEnds(res, upstream);
  req.pipe(upstream);
});
listenOnLoopback(server, Number(values.port));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
