import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * patches/fastify+5.11.3.patch (ADR 0207): fastify's body parser runs its callback through the
 * request's AsyncResource by hand instead of `AsyncResource#bind`, whose Node 24 deprecate()
 * wrappers kept every request (body included) alive through young-generation GCs until the
 * next full one. Measured in a child process of its own: in a Jest worker, what earlier test
 * files left running is promoted too (18 MB in one CI run, patched). Fails on the unpatched file.
 */
describe('fastify body parser (patched)', () => {
  it('leaves nothing of an answered request for a young-generation GC to keep', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', join(__dirname, 'fastify-retention.child.mjs')], { encoding: 'utf8', timeout: 60_000 });
    const { promoted, bodies, bad } = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { promoted: number; bodies: number; bad: number };
    expect(bad).toBe(0);
    // Unpatched, every request (its 8 KB body string among the rest) reached the old generation.
    expect(promoted).toBeLessThan(bodies / 4);
  });
});
