import { QueryFailedError } from 'typeorm';
import { assertSchemaName } from './schema-name';
import { isUniqueViolation, pgError, splitDatabaseUrl, uniqueViolationConstraint } from './index';

/** Shaped like pg's DatabaseError for a duplicate wamid. */
function duplicateWamid(): Error {
  return Object.assign(new Error('duplicate key value violates unique constraint "messages_wamid_key"'), {
    code: '23505',
    constraint: 'messages_wamid_key',
    table: 'messages',
    detail: 'Key (wamid)=(wamid.X) already exists.',
  });
}

describe('pg error helpers', () => {
  it('see the pg error inside a TypeORM QueryFailedError and inside a cause chain', () => {
    const typeorm = new QueryFailedError('INSERT …', [], duplicateWamid());
    const wrapped = new Error('send failed', { cause: duplicateWamid() });
    for (const err of [duplicateWamid(), typeorm, wrapped]) {
      expect(isUniqueViolation(err)).toBe(true);
      expect(isUniqueViolation(err, 'messages_wamid_key')).toBe(true);
      expect(isUniqueViolation(err, 'messages_pkey')).toBe(false);
      expect(uniqueViolationConstraint(err)).toBe('messages_wamid_key');
    }
    expect(pgError(typeorm)).toEqual({
      code: '23505',
      message: 'duplicate key value violates unique constraint "messages_wamid_key"',
      constraint: 'messages_wamid_key',
      table: 'messages',
      detail: 'Key (wamid)=(wamid.X) already exists.',
    });
  });

  it('ignore errors that are not from Postgres', () => {
    const nodeError = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (const err of [nodeError, new Error('x'), 'text', undefined, null, 42]) {
      expect(pgError(err)).toBeUndefined();
      expect(isUniqueViolation(err)).toBe(false);
    }
  });
});

describe('schema names and URLs', () => {
  it('accept plain lower-case identifiers only', () => {
    expect(assertSchemaName('dispatcher')).toBe('dispatcher');
    expect(assertSchemaName('gateway_t_1a2b')).toBe('gateway_t_1a2b');
    for (const bad of ['', 'Gateway', 'a-b', 'x; DROP SCHEMA public', '1abc', 'a'.repeat(64)]) {
      expect(() => assertSchemaName(bad)).toThrow('invalid schema name');
    }
  });

  it('point the maintenance URL at the postgres database of the same server', () => {
    expect(splitDatabaseUrl('postgres://u:p%40ss@db.local:6543/wabridge?sslmode=require')).toEqual({
      database: 'wabridge',
      maintenanceUrl: 'postgres://u:p%40ss@db.local:6543/postgres?sslmode=require',
    });
    expect(() => splitDatabaseUrl('postgres://127.0.0.1:5432')).toThrow('names no database');
  });
});
