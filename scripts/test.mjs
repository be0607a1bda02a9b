// `npm test`: real Kafka + Postgres, build, then every Jest project (unit, integration, e2e).
// Extra arguments go to Jest (e.g. `npm test -- apps/ingress`). Writes .local/jest-results.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildAll, ensureChromium, ensureDatabase, ensureKafka, ensureS3, ROOT } from './lib/stack.mjs';

console.log(`node ${process.version} (${process.execPath})`);
ensureKafka();
ensureS3(); // the media S3 storage's tests (ADR 0107)
await ensureDatabase();
// the analytics dashboard's headless-browser test (apps/analytics/test); only when it may run
const patterns = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (patterns.length === 0 || patterns.some((p) => /analytics|dashboard/.test(p))) ensureChromium();
buildAll();

mkdirSync(join(ROOT, '.local'), { recursive: true });
const results = join(ROOT, '.local', 'jest-results.json');
const args = ['jest', '--ci', '--forceExit', '--json', `--outputFile=${results}`, ...process.argv.slice(2)];
const res = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0)} failed`);
}
process.exit(res.status ?? 1);
