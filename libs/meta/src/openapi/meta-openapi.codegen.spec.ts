import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// Run in a child process: Jest's module loader cannot load openapi-typescript's ESM-only
// dependencies, plain Node can (see scripts/generate-types.mjs).
// For the same reason META_OPENAPI_TYPES_PATH is not imported from meta-openapi.codegen.ts.
const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'generate-types.mjs');
const META_OPENAPI_TYPES_PATH = path.resolve(__dirname, '..', 'generated', 'meta-openapi.ts');
const check = (...args: string[]) =>
  spawnSync(process.execPath, [SCRIPT, '--check', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('generated OpenAPI types (src/generated/meta-openapi.ts)', () => {
  it('are what the vendored spec generates today (else: npm run generate -w @wabridge/meta)', () => {
    const result = check();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('the check notices a stale file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'meta-openapi-'));
    try {
      const stale = path.join(dir, 'meta-openapi.ts');
      writeFileSync(stale, readFileSync(META_OPENAPI_TYPES_PATH, 'utf8').replace('"sent" | "delivered"', '"sent"'));
      const result = check('--file', stale);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('out of date');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('type inbound webhook messages with the inbound schemas (the repaired $refs)', () => {
    const committed = readFileSync(META_OPENAPI_TYPES_PATH, 'utf8');
    expect(committed).toMatch(/IncomingMessage: components\["schemas"\]\["TextMessage_2"\] \|/);
    expect(committed).toMatch(/TextMessage_2: components\["schemas"\]\["BaseMessageProperties_1"\] &/);
  });
});
