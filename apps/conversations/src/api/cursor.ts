import { ApiError } from '@wabridge/http';

/**
 * Opaque keyset cursors (ADR 0130): a position (a time and a tie-breaker) rather than an offset,
 * so a page does not shift when rows are added before it.
 */
export interface Position {
  at: Date;
  key: string;
}

export function encodeCursor(p: Position): string {
  return Buffer.from(`${p.at.toISOString()}|${p.key}`, 'utf8').toString('base64url');
}

/** The position of a `nextCursor`; 400 for anything we did not hand out. */
export function decodeCursor(cursor: string, key: RegExp): Position {
  const bad = (): never => {
    throw ApiError.badRequest('cursor: must be a nextCursor value of this listing', [{ field: 'cursor', problems: ['not a nextCursor value'] }]);
  };
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) bad();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  if (bar < 0) return bad();
  const at = new Date(text.slice(0, bar));
  const k = text.slice(bar + 1);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d\d-\d\dT/.test(text) || !key.test(k)) return bad();
  return { at, key: k };
}
