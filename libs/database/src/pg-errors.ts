/** SQLSTATE codes the services act on (https://www.postgresql.org/docs/15/errcodes-appendix.html). */
export const PgErrorCode = {
  UniqueViolation: '23505',
  ForeignKeyViolation: '23503',
  NotNullViolation: '23502',
  CheckViolation: '23514',
  SerializationFailure: '40001',
  DeadlockDetected: '40P01',
  QueryCanceled: '57014',
  DuplicateDatabase: '42P04',
  DuplicateSchema: '42P06',
  UndefinedTable: '42P01',
} as const;

/** The fields of a Postgres error that code can branch on. */
export interface PgErrorInfo {
  code: string;
  message: string;
  constraint?: string;
  table?: string;
  schema?: string;
  column?: string;
  detail?: string;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The Postgres error inside `err`, whether it is pg's own DatabaseError, TypeORM's
 * QueryFailedError (which keeps it as `driverError`) or an error wrapping one as `cause`.
 */
export function pgError(err: unknown): PgErrorInfo | undefined {
  let current = asRecord(err);
  for (let depth = 0; current && depth < 4; depth++) {
    const driver = asRecord(current['driverError']);
    const source = driver ?? current;
    const code = str(source['code']);
    if (code && SQLSTATE.test(code)) {
      const info: PgErrorInfo = { code, message: str(source['message']) ?? '' };
      for (const key of ['constraint', 'table', 'schema', 'column', 'detail'] as const) {
        const value = str(source[key]);
        if (value !== undefined) info[key] = value;
      }
      return info;
    }
    current = asRecord(current['cause']);
  }
  return undefined;
}

/**
 * True when `err` is a unique violation (23505), and, if `constraint` is given, one of that
 * constraint. Idempotency rests on unique constraints, so callers treat the named one as
 * "already done" and rethrow anything else.
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const info = pgError(err);
  if (info?.code !== PgErrorCode.UniqueViolation) return false;
  return constraint === undefined || info.constraint === constraint;
}

/** The violated constraint's name when `err` is a unique violation, else undefined. */
export function uniqueViolationConstraint(err: unknown): string | undefined {
  const info = pgError(err);
  return info?.code === PgErrorCode.UniqueViolation ? info.constraint : undefined;
}
