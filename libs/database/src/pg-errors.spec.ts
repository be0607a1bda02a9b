import { QueryFailedError } from 'typeorm';
import { assertSchemaName } from './schema-name';
import { isPgUnavailable, isUniqueViolation, pgError, pgFailureKind, splitDatabaseUrl, uniqueViolationConstraint } from './index';

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

/** Shaped like pg's DatabaseError with SQLSTATE `code`. */
function pgErr(code: string, message = `error ${code}`): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL' });
}

describe('pgFailureKind', () => {
  it('calls an unreachable or refusing server unavailable, however the error is wrapped', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
    const unavailable = [
      refused,
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }),
      new AggregateError([refused], 'connect failed'),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Client has encountered a connection error and is not queryable'),
      pgErr('57P01', 'terminating connection due to administrator command'),
      pgErr('57P02'),
      pgErr('57P03', 'the database system is starting up'),
      pgErr('53300', 'sorry, too many clients already'),
      pgErr('08006', 'connection failure'),
      pgErr('08001'),
      pgErr('28P01', 'password authentication failed for user "x"'),
      new QueryFailedError('SELECT 1', [], pgErr('57P01')),
      new Error('handler failed', { cause: new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')) }),
    ];
    for (const err of unavailable) {
      expect({ err: String(err), kind: pgFailureKind(err) }).toEqual({ err: String(err), kind: 'unavailable' });
      expect(isPgUnavailable(err)).toBe(true);
    }
  });

  it('calls lost races and timeouts transient', () => {
    for (const code of ['40001', '40P01', '55P03', '57014']) expect(pgFailureKind(pgErr(code))).toBe('transient');
  });

  it('calls wrong data or statements deterministic: they fail the same way again', () => {
    const deterministic = [
      duplicateWamid(),
      pgErr('23503', 'insert or update violates foreign key constraint'),
      pgErr('23502'),
      pgErr('22P02', 'invalid input syntax for type uuid: "x"'),
      pgErr('22001', 'value too long for type character varying(10)'),
      pgErr('42P01', 'relation "nope" does not exist'),
      pgErr('42703', 'column "nope" does not exist'),
      new QueryFailedError('INSERT …', [], duplicateWamid()),
    ];
    for (const err of deterministic) {
      expect(pgFailureKind(err)).toBe('deterministic');
      expect(isPgUnavailable(err)).toBe(false);
    }
  });

  it('knows nothing about errors that are not from the database', () => {
    for (const err of [new Error('x'), new TypeError('cannot read properties of undefined'), 'text', undefined, null, 42, { code: 'EACCES' }]) {
      expect(pgFailureKind(err)).toBeUndefined();
    }
  });
});
