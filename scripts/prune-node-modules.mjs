#!/usr/bin/env node
// `node scripts/prune-node-modules.mjs <node_modules dir> [--dry-run]`: removes from a production
// install what Node never loads at run time — source maps, TypeScript declarations, markdown docs
// (licence files are kept, whatever their extension) and TypeORM's browser build — and prints
// the size before and after. The image build runs it on the production dependencies (ADR 0195);
// our own dist/ (with its source maps) is not under node_modules and is not touched.
import { readdirSync, lstatSync, rmSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const root = args.find((a) => !a.startsWith('--'));
if (!root || !existsSync(root)) {
  console.error('usage: node scripts/prune-node-modules.mjs <node_modules dir> [--dry-run]');
  process.exit(2);
}

const FILE_PATTERNS = [/\.map$/, /\.d\.[cm]?ts$/, /\.(md|markdown)$/i];
const KEEP = /^(licen[cs]e|copying|notice)/i;
/** Whole folders no server-side require() reaches (package `browser` builds). */
const DIRS = new Set(['typeorm/browser']);

let before = 0;
let removed = 0;

function walk(dir, rel) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const relPath = rel ? `${rel}/${name}` : name;
    const st = lstatSync(path);
    if (st.isSymbolicLink()) continue; // workspace links: their targets are pruned on their own, if at all
    if (st.isDirectory()) {
      const pkgRel = relPath.replace(/^(.*\/)?node_modules\//, '');
      if (DIRS.has(pkgRel)) {
        const size = sizeOf(path);
        before += size;
        removed += size;
        if (!dryRun) rmSync(path, { recursive: true, force: true });
        continue;
      }
      walk(path, relPath);
      continue;
    }
    before += st.size;
    if (!KEEP.test(basename(name)) && FILE_PATTERNS.some((p) => p.test(name))) {
      removed += st.size;
      if (!dryRun) rmSync(path, { force: true });
    }
  }
}

function sizeOf(path) {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return 0;
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

walk(root, 'node_modules');
const mb = (n) => (n / 1048576).toFixed(1);
console.log(`prune-node-modules: ${mb(before)} MB → ${mb(before - removed)} MB (${mb(removed)} MB ${dryRun ? 'would be ' : ''}removed)`);
