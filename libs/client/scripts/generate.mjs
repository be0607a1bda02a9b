#!/usr/bin/env node
// Regenerates the client's types: src/generated/gateway-api.ts (from apps/gateway/openapi.json)
// and src/generated/webhook-events.ts (from docs/events/*.schema.json).
//   npm run generate -w @wabridge/client             write the files
//   npm run generate -w @wabridge/client -- --check  exit 1 naming each stale file (CI: the drift test)
//   --spec <openapi.json>  --events <dir>            other sources (the drift test feeds a changed copy)
//   --out <dir>                                      compare/write files in another folder
//
// The rendering lives in src/codegen/client.codegen.ts. As for libs/meta's generator, Node
// loads that TypeScript through the repo's compiler (openapi-typescript's ESM-only
// dependencies do not load under Jest, so the drift test runs this script in a child process).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, basename } from 'node:path';
import ts from 'typescript';

const require = createRequire(import.meta.url);
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};

const codegen = require('../src/codegen/client.codegen.ts');

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const specPath = opt('--spec');
const eventsDir = opt('--events');
const outDir = opt('--out');

const targets = [
  {
    file: outDir ? join(outDir, basename(codegen.GATEWAY_API_TYPES_PATH)) : codegen.GATEWAY_API_TYPES_PATH,
    render: () => (specPath ? codegen.renderGatewayApiTypes(JSON.parse(readFileSync(specPath, 'utf8')), basename(specPath)) : codegen.renderGatewayApiTypes()),
  },
  {
    file: outDir ? join(outDir, basename(codegen.WEBHOOK_EVENT_TYPES_PATH)) : codegen.WEBHOOK_EVENT_TYPES_PATH,
    render: () => codegen.renderWebhookEventTypes(eventsDir),
  },
];

let stale = 0;
for (const t of targets) {
  const fresh = await t.render();
  let current = '';
  try {
    current = readFileSync(t.file, 'utf8');
  } catch {
    // first generation
  }
  if (args.includes('--check')) {
    if (current !== fresh) {
      stale++;
      console.error(`${t.file} is out of date with its source: run npm run generate -w @wabridge/client`);
    } else console.log(`up to date: ${t.file}`);
  } else if (current === fresh) console.log(`unchanged: ${t.file}`);
  else {
    writeFileSync(t.file, fresh);
    console.log(`wrote ${t.file} (${fresh.length} chars)`);
  }
}
process.exit(stale ? 1 : 0);
