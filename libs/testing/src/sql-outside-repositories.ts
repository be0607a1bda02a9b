import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// ADR 0188: SQL is written by hand, and only in repositories (and migrations). Services keep
// decisions, sealing, publishing and the transaction boundary; edges stay thin. These helpers
// let a spec keep it that way for the roles that must never hold SQL.

/** Files that must hold no SQL: services, controllers, consumers and publishers. */
export const NO_SQL_ROLES = /\.(service|controller|consumer|publisher)\.ts$/;

/** Lines (1-based) of `source` that run SQL or spell a statement (`.query(`, SELECT … FROM, INSERT INTO, UPDATE x SET, DELETE FROM). */
export function sqlLines(source: string): number[] {
  const found: number[] = [];
  source.split('\n').forEach((line, i) => {
    if (/\.query\s*[(<]/.test(line) || /\b(SELECT\s.+\sFROM|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET)\b/.test(line)) found.push(i + 1);
  });
  return found;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'dist') return [];
    return e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)];
  });
}

/** `path:line` (relative to `base`) of every SQL line in the files under `dirs` whose name matches `roles`. */
export function sqlOutsideRepositories(base: string, dirs: string[], roles: RegExp = NO_SQL_ROLES): string[] {
  return dirs
    .flatMap((d) => files(d))
    .filter((f) => roles.test(f))
    .flatMap((f) => sqlLines(readFileSync(f, 'utf8')).map((line) => `${relative(base, f)}:${line}`));
}
