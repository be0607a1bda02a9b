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
  InvalidCatalogName: '3D000',
  UndefinedTable: '42P01',
  TooManyConnections: '53300',
  AdminShutdown: '57P01',
  CrashShutdown: '57P02',
  CannotConnectNow: '57P03',
  LockNotAvailable: '55P03',
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

/**
 * What a failed database call says about trying again:
 * - `unavailable`: the server cannot be reached or refuses work right now (connection-class
 *   SQLSTATE 08xxx, shutdown/starting 57P01-57P03, resources 53xxx, I/O 58xxx, a socket error
 *   such as ECONNREFUSED, pg's "Connection terminated…" and pool connect timeouts). The same
 *   call succeeds once the server is back; nothing about the data is wrong.
 * - `transient`: the server worked but this attempt lost a race or ran out of time
 *   (serialization failure, deadlock, lock not available, statement timeout). Trying again works.
 * - `deterministic`: the statement or the data is wrong (data exceptions 22xxx, integrity
 *   violations 23xxx, syntax/undefined objects 42xxx, …): the same call fails the same way.
 * - `undefined`: not a database error we recognise.
 */
export type PgFailureKind = 'unavailable' | 'transient' | 'deterministic';

const TRANSIENT_CODES = new Set<string>([
  PgErrorCode.SerializationFailure,
  PgErrorCode.DeadlockDetected,
  PgErrorCode.LockNotAvailable,
  PgErrorCode.QueryCanceled, // statement_timeout: an overloaded server, not a wrong statement
  '25P03', // idle_in_transaction_session_timeout
]);

const UNAVAILABLE_CODES = new Set<string>([PgErrorCode.AdminShutdown, PgErrorCode.CrashShutdown, PgErrorCode.CannotConnectNow]);

/** SQLSTATE classes (first two characters) whose errors repeat on retry. */
const DETERMINISTIC_CLASSES = new Set(['21', '22', '23', '27', '2B', '2D', '2F', '34', '3F', '42', '44']);

/** Socket-level failures of the connection to the server (Node system error codes). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'ENOTCONN',
]);

/** Messages of pg, pg-pool and TypeORM for a lost or unobtainable connection (they carry no code). */
const CONNECTION_MESSAGES = [
  /connection terminated/i, // "Connection terminated unexpectedly", "… due to connection timeout"
  /timeout exceeded when trying to connect/i, // pg-pool connectionTimeoutMillis
  /connection error and is not queryable/i,
  /client was closed and is not queryable/i,
  /connect(ion)? (timed out|timeout)/i,
];

/** The SQLSTATE class → kind rule, for a code found on the error. */
function kindOfCode(code: string): PgFailureKind | undefined {
  if (TRANSIENT_CODES.has(code)) return 'transient';
  if (UNAVAILABLE_CODES.has(code)) return 'unavailable';
  const cls = code.slice(0, 2);
  // 28 (authentication) and 3D (no such database) fail every call alike: a configuration or
  // server problem to wait out, not a property of the message being handled.
  if (['08', '28', '3D', '53', '57', '58'].includes(cls)) return 'unavailable';
  if (cls === '40') return 'transient';
  if (DETERMINISTIC_CLASSES.has(cls)) return 'deterministic';
  return undefined;
}

/**
 * Classifies `err` (pg's DatabaseError, TypeORM's QueryFailedError, a socket error, or any of
 * them as `cause` or inside an AggregateError) — see {@link PgFailureKind}.
 */
export function pgFailureKind(err: unknown): PgFailureKind | undefined {
  const info = pgError(err);
  if (info) return kindOfCode(info.code);
  return isConnectionFailure(err, 0) ? 'unavailable' : undefined;
}

/** True when the database could not be reached or dropped the connection (see {@link pgFailureKind}). */
export function isPgUnavailable(err: unknown): boolean {
  return pgFailureKind(err) === 'unavailable';
}

function isConnectionFailure(err: unknown, depth: number): boolean {
  const e = asRecord(err);
  if (!e || depth > 4) return false;
  const code = str(e['code']);
  if (code && SOCKET_CODES.has(code)) return true;
  const message = str(e['message']);
  if (message && CONNECTION_MESSAGES.some((re) => re.test(message))) return true;
  // Node's happy-eyeballs connect rejects with an AggregateError of per-address errors.
  const errors = e['errors'];
  if (Array.isArray(errors) && errors.some((inner) => isConnectionFailure(inner, depth + 1))) return true;
  return isConnectionFailure(e['driverError'], depth + 1) || isConnectionFailure(e['cause'], depth + 1);
}
