#!/usr/bin/env node
// Regenerates libs/meta/src/generated/meta-openapi.ts from the vendored Meta spec.
//   npm run generate -w @wabridge/meta            write the file
//   npm run generate -w @wabridge/meta -- --check exit 1 if the committed file is stale
//
// The rendering lives in src/spec/meta-openapi.codegen.ts so the unit test that guards the
// committed file runs the very same code. Node cannot require that TypeScript (CommonJS, with
// extensionless imports) by itself, so .ts files are transpiled on load with the repo's
// TypeScript compiler: no extra dev dependency, and no build step before generating.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ts from 'typescript';

const require = createRequire(import.meta.url);
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  module._compile(outputText, filename);
};

const { renderMetaOpenApiTypes, META_OPENAPI_TYPES_PATH } = require('../src/spec/meta-openapi.codegen.ts');

const fresh = await renderMetaOpenApiTypes();
let current = '';
try {
  current = readFileSync(META_OPENAPI_TYPES_PATH, 'utf8');
} catch {
  // first generation
}

if (process.argv.includes('--check')) {
  if (current !== fresh) {
    console.error(`${META_OPENAPI_TYPES_PATH} is out of date: run npm run generate -w @wabridge/meta`);
    process.exit(1);
  }
  console.log('meta-openapi.ts is up to date');
} else if (current === fresh) {
  console.log(`unchanged: ${META_OPENAPI_TYPES_PATH}`);
} else {
  writeFileSync(META_OPENAPI_TYPES_PATH, fresh);
  console.log(`wrote ${META_OPENAPI_TYPES_PATH} (${fresh.length} chars)`);
}
