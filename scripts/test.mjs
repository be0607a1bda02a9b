// `npm test`: real Kafka + Postgres, build, then every Jest project (unit, integration, e2e).
// Extra arguments go to Jest (e.g. `npm test -- apps/ingress`). Writes .local/jest-results.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const extra = process.argv.slice(2);
// Two phases (ADR 0115): unit + integration tests on two workers (each suite has its own topic
// suffix, schema and ports), then the end-to-end tests one at a time (they start whole platforms
// of processes, kill and outage drills). `TEST_WORKERS=1` runs the first phase in band too; a
// caller choosing projects or workers gets one plain Jest run.
const ownChoice = extra.some((a) => /^(--selectProjects|--runInBand|-i$|--maxWorkers|-w$)/.test(a));
const workers = process.env.TEST_WORKERS ?? '2';
const phases = ownChoice
  ? [[]]
  : [['--selectProjects', 'unit', 'integration', `--maxWorkers=${workers}`], ['--selectProjects', 'e2e', '--runInBand']];
let status = 0;
const merged = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTotalTests: 0, numRuntimeErrorTestSuites: 0, numFailedTestSuites: 0, numTotalTestSuites: 0, testResults: [], success: true };
phases.forEach((phase, i) => {
  const out = join(ROOT, '.local', `jest-results.${i}.json`);
  rmSync(out, { force: true });
  const args = ['jest', '--ci', '--forceExit', '--passWithNoTests', '--json', `--outputFile=${out}`, ...phase, ...extra];
  const res = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
  if ((res.status ?? 1) !== 0) status = res.status ?? 1;
  if (!existsSync(out)) {
    merged.numRuntimeErrorTestSuites += 1; // the phase did not report: counted as a failure
    merged.success = false;
    return;
  }
  const r = JSON.parse(readFileSync(out, 'utf8'));
  for (const k of ['numPassedTests', 'numFailedTests', 'numPendingTests', 'numTotalTests', 'numRuntimeErrorTestSuites', 'numFailedTestSuites', 'numTotalTestSuites']) merged[k] += r[k] ?? 0;
  merged.testResults.push(...(r.testResults ?? []));
  merged.success &&= r.success !== false;
});
writeFileSync(results, JSON.stringify(merged));
console.log(`tests: ${merged.numPassedTests} passed, ${merged.numFailedTests + merged.numRuntimeErrorTestSuites} failed`);
process.exit(status);
