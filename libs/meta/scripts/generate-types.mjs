#!/usr/bin/env node
// Regenerates libs/meta/src/generated/meta-openapi.ts from the vendored Meta spec.
//   npm run generate -w @wabridge/meta            write the file
//   npm run generate -w @wabridge/meta -- --check exit 1 if the committed file is stale
//   --file <path>                                 compare/write another file (used by the test)
//
// The rendering lives in src/openapi/meta-openapi.codegen.ts. The unit test that guards the
// committed file runs this script with --check in a child process: Jest's module loader cannot
// load openapi-typescript's ESM-only dependencies (parse-json), plain Node can. Node cannot require that TypeScript (CommonJS, with
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

const { renderMetaOpenApiTypes, META_OPENAPI_TYPES_PATH } = require('../src/openapi/meta-openapi.codegen.ts');

const args = process.argv.slice(2);
const fileArg = args.indexOf('--file');
const target = fileArg >= 0 && args[fileArg + 1] ? args[fileArg + 1] : META_OPENAPI_TYPES_PATH;

const fresh = await renderMetaOpenApiTypes();
let current = '';
try {
  current = readFileSync(target, 'utf8');
} catch {
  // first generation
}

if (args.includes('--check')) {
  if (current !== fresh) {
    console.error(`${target} is out of date: run npm run generate -w @wabridge/meta`);
    process.exit(1);
  }
  console.log(`up to date: ${target}`);
} else if (current === fresh) {
  console.log(`unchanged: ${target}`);
} else {
  writeFileSync(target, fresh);
  console.log(`wrote ${target} (${fresh.length} chars)`);
}
