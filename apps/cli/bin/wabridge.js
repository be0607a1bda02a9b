#!/usr/bin/env node
'use strict';
// `npx wabridge …` (docs/cli.md): runs the built CLI; `npm run build` (or `npm start`) builds it.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('wabridge: the CLI is not built yet; run `npx turbo run build --filter=@wabridge/cli...` (npm start and npm test build it too)\n');
  process.exit(2);
}
require(entry);
