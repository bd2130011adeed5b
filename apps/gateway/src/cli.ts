#!/usr/bin/env node
import type { Io } from './cli/admin-commands.js';
import { main } from './cli/main.js';

// `switchyard keys list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const io: Io = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
    // A stopped gateway may still hold idle upstream keep-alive sockets; its output is flushed.
    if (process.argv[2] === 'start') process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `switchyard: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
