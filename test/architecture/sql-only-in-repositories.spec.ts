import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlLines, sqlOutsideRepositories } from '@wabridge/testing';

// ADR 0188: SQL lives in repositories (and migrations) only. Every app's services, controllers,
// consumers and publishers are scanned; a statement in one of them fails here with its path:line.
const ROOT = join(__dirname, '..', '..');
const APP_SOURCES = readdirSync(join(ROOT, 'apps'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => join(ROOT, 'apps', e.name, 'src'));

describe('SQL stays in repositories (ADR 0188)', () => {
  it('finds a query call or a statement, and not prose that merely mentions one', () => {
    expect(sqlLines("const rows = await this.db.query('SELECT 1');")).toEqual([1]);
    expect(sqlLines('x\nawait m.query<Row[]>(sql, [id]);')).toEqual([2]);
    expect(sqlLines('const sql = `\n  SELECT n.* FROM phone_numbers n`;')).toEqual([2]);
    expect(sqlLines("`UPDATE templates SET status = $1`")).toEqual([1]);
    expect(sqlLines("'INSERT INTO api_keys (id) VALUES ($1)'")).toEqual([1]);
    expect(sqlLines('/** Selects the newest key from the table, then updates it. */\nthis.repo.query = 1;')).toEqual([]);
  });

  it('names a statement planted in a service, and leaves repositories alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sql-scan-'));
    try {
      mkdirSync(join(dir, 'src', 'things'), { recursive: true });
      writeFileSync(join(dir, 'src', 'things', 'things.service.ts'), "export const a = 1;\nconst gone = await this.ds.query('DELETE FROM things WHERE id = $1', [id]);\n");
      writeFileSync(join(dir, 'src', 'things', 'things.repository.ts'), "await this.ds.query('DELETE FROM things WHERE id = $1', [id]);\n");
      expect(sqlOutsideRepositories(dir, [join(dir, 'src')])).toEqual([join('src', 'things', 'things.service.ts:2')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no service, controller, consumer or publisher of any app holds SQL', () => {
    expect(APP_SOURCES.length).toBeGreaterThan(5);
    expect(sqlOutsideRepositories(ROOT, APP_SOURCES)).toEqual([]);
  });
});
