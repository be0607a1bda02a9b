// Child process of fastify-patch.spec.ts (ADR 0207): answers POSTs with JSON bodies through
// fastify's body parser, then prints how many bytes young-generation GCs promoted meanwhile.
// Its own process (run with --expose-gc), so no other test's leftovers count in its heap.
import { Buffer } from 'node:buffer';
import { Agent, request } from 'node:http';
import process from 'node:process';
import { getHeapSpaceStatistics } from 'node:v8';
import fastify from 'fastify';

const gc = globalThis.gc;

const oldSpaceUsed = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;

async function main() {
  const app = fastify({ logger: false });
  app.post('/sink', async (req, reply) => {
    reply.code(202);
    return { n: req.body.n };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address();
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const bodyBytes = 8000;
  const post = (n) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ n, pad: 'x'.repeat(bodyBytes) });
      const req = request(
        { host: '127.0.0.1', port, path: '/sink', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let bad = 0;
  for (let i = 0; i < 200; i++) if ((await post(i)) !== 202) bad++;
  gc({ type: 'major', execution: 'sync' });
  const before = oldSpaceUsed();
  const rounds = 20;
  const perRound = 100;
  for (let r = 0; r < rounds; r++) {
    const answers = [];
    for (let i = 0; i < perRound; i++) answers.push(post(r * perRound + i));
    for (const status of await Promise.all(answers)) if (status !== 202) bad++;
    gc({ type: 'minor', execution: 'sync' });
  }
  gc({ type: 'minor', execution: 'sync' });
  gc({ type: 'minor', execution: 'sync' });
  const promoted = oldSpaceUsed() - before;
  agent.destroy();
  await app.close();
  process.stdout.write(`${JSON.stringify({ promoted, bodies: rounds * perRound * bodyBytes, bad })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
