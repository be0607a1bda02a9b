import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exposedGc, oldSpaceUsed } from '@wabridge/testing';
import { createHttpApp } from './index';

@Controller()
class SinkController {
  @Post('/sink')
  @HttpCode(202)
  sink(@Body() body: { n: number }): { n: number } {
    return { n: body.n };
  }
}

@Module({ controllers: [SinkController] })
class SinkModule {}

/**
 * patches/fastify+5.11.3.patch (ADR 0207): fastify's body parser runs its callback through the
 * request's AsyncResource by hand instead of `AsyncResource#bind`, whose Node 24 deprecate()
 * wrappers kept every request (body included) alive through young-generation GCs until the
 * next full one. Fails on the unpatched file.
 */
describe('fastify body parser (patched)', () => {
  it('leaves nothing of an answered request for a young-generation GC to keep', async () => {
    const app = await createHttpApp(SinkModule, { logLevel: 'silent' });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    // Real sockets: fastify.inject's fake requests keep their own objects longer, and hide it.
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const post = (n: number): Promise<number | undefined> =>
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
    const bodyBytes = 8000;
    try {
      for (let i = 0; i < 200; i++) expect(await post(i)).toBe(202);
      const gc = exposedGc();
      gc({ type: 'major', execution: 'sync' });
      const before = oldSpaceUsed();
      const rounds = 20;
      const perRound = 100;
      for (let r = 0; r < rounds; r++) {
        const answers = [];
        for (let i = 0; i < perRound; i++) answers.push(post(r * perRound + i));
        for (const status of await Promise.all(answers)) expect(status).toBe(202);
        gc({ type: 'minor', execution: 'sync' });
      }
      gc({ type: 'minor', execution: 'sync' });
      gc({ type: 'minor', execution: 'sync' });

      const bodies = rounds * perRound * bodyBytes;
      const promoted = oldSpaceUsed() - before;
      // Unpatched, every request (its body string among the rest) reached the old generation.
      expect(promoted).toBeLessThan(bodies / 4);
    } finally {
      agent.destroy();
      await app.close();
    }
  });
});
