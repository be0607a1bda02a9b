#!/usr/bin/env node
/** `wabridge …` (bin/wabridge.js → here): one process per command; docs/cli.md. */
import { run } from './cli';

const controller = new AbortController();
let interrupted = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // first Ctrl-C: finish cleanly (a tail leaves its group); second: leave at once
    if (++interrupted > 1) process.exit(130);
    controller.abort();
  });
}

// `wabridge tail … | head`: the reader left; end quietly instead of an EPIPE trace
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const readStdin = async (): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now }, { stopped: controller.signal, readStdin }).then(
  (code) => {
    process.exitCode = code;
    // kafkajs may keep sockets for a moment after disconnect; the answer is out, so leave
    setImmediate(() => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`wabridge: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
