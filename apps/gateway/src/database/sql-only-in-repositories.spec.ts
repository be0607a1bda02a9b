import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// ADR 0188: SQL is written by hand, and only in repositories (and migrations). Services keep
// decisions, sealing, publishing and the transaction boundary; edges stay thin. This check
// keeps it that way for the roles that must never hold SQL.
const SRC = join(__dirname, '..');
const NO_SQL_ROLES = /\.(service|controller|consumer|publisher)\.ts$/;

/** Lines of `source` that run SQL or spell a statement (`.query(`, SELECT … FROM, INSERT INTO, UPDATE x SET, DELETE FROM). */
function sqlLines(source: string): number[] {
  const found: number[] = [];
  source.split('\n').forEach((line, i) => {
    if (/\.query\s*[(<]/.test(line) || /\b(SELECT\s.+\sFROM|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET)\b/.test(line)) found.push(i + 1);
  });
  return found;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('SQL stays in repositories (ADR 0188)', () => {
  it('finds a query call or a statement, and not prose that merely mentions one', () => {
    expect(sqlLines("const rows = await this.db.query('SELECT 1');")).toEqual([1]);
    expect(sqlLines('x\nawait m.query<Row[]>(sql, [id]);')).toEqual([2]);
    expect(sqlLines('const sql = `\n  SELECT n.* FROM phone_numbers n`;')).toEqual([2]);
    expect(sqlLines("`UPDATE templates SET status = $1`")).toEqual([1]);
    expect(sqlLines("'INSERT INTO api_keys (id) VALUES ($1)'")).toEqual([1]);
    expect(sqlLines('/** Selects the newest key from the table, then updates it. */\nthis.repo.query = 1;')).toEqual([]);
  });

  it('no service, controller, consumer or publisher of the gateway holds SQL', () => {
    const offenders = files(SRC)
      .filter((f) => NO_SQL_ROLES.test(f))
      .flatMap((f) => sqlLines(readFileSync(f, 'utf8')).map((line) => `${relative(SRC, f)}:${line}`));
    expect(offenders).toEqual([]);
  });
});
