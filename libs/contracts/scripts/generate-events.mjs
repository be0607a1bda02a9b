#!/usr/bin/env node
// Regenerates docs/events/asyncapi.yaml and docs/events/schemas/<topic>.json from the contract
// registry (ADR 0140).
//   npm run generate -w @wabridge/contracts             write the files (and remove schemas of topics that are gone)
//   npm run generate -w @wabridge/contracts -- --check  exit 1 naming each topic that drifted
//
// The rendering lives in src/schema/asyncapi.ts; src/schema/asyncapi.spec.ts runs the same
// drift check in CI. Node loads the TypeScript through the repo's compiler (decorators and
// their metadata included), so no build is needed first.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const require = createRequire(import.meta.url);
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true,
      experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false,
    },
  });
  module._compile(outputText, filename);
};

const { renderEventDocs, eventDocsDrift, EVENTS_DIR, SCHEMAS_DIR } = require('../src/schema/asyncapi.ts');

if (process.argv.includes('--check')) {
  const problems = eventDocsDrift();
  for (const p of problems) console.error(p);
  if (problems.length === 0) console.log(`up to date: ${EVENTS_DIR}/asyncapi.yaml and ${SCHEMAS_DIR}/`);
  process.exit(problems.length ? 1 : 0);
}

const docs = renderEventDocs();
let written = 0;
for (const doc of docs) {
  const file = join(EVENTS_DIR, doc.file);
  let current;
  try { current = readFileSync(file, 'utf8'); } catch { current = undefined; }
  if (current === doc.content) continue;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, doc.content);
  written++;
  console.log(`wrote ${doc.file}`);
}
const expected = new Set(docs.map((d) => d.file));
for (const f of readdirSync(join(EVENTS_DIR, SCHEMAS_DIR))) {
  if (!expected.has(`${SCHEMAS_DIR}/${f}`)) {
    rmSync(join(EVENTS_DIR, SCHEMAS_DIR, f));
    console.log(`removed ${SCHEMAS_DIR}/${f} (no such topic any more)`);
  }
}
console.log(`${docs.length} files, ${written} changed`);
