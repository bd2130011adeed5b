// Preloaded (`node --import`) into an anchor gateway that picks its own port and listens on every
// interface (Portkey: `serve({ port })`, 8787 unless `--port=`): its server listens on 127.0.0.1 on
// a free port instead, like the bench's other processes, and prints `{"event":"listening","port":N}`.
import { Server } from 'node:net';

const listen = Server.prototype.listen as (this: Server, ...args: unknown[]) => Server;
Server.prototype.listen = function loopbackListen(this: Server, ...args: unknown[]) {
  this.once('listening', () => {
    const address = this.address();
    if (address && typeof address === 'object')
      process.stdout.write(`${JSON.stringify({ event: 'listening', port: address.port })}\n`);
  });
  const last = args[args.length - 1];
  return typeof last === 'function'
    ? listen.call(this, 0, '127.0.0.1', last)
    : listen.call(this, 0, '127.0.0.1');
} as typeof Server.prototype.listen;
