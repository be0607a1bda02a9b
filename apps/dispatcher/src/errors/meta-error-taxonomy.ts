/**
 * Meta's error taxonomy (DESIGN.md §5). libs/meta is meant to own this table
 * (`classifyMetaError`, `parseGraphError`); until it exports them the dispatcher carries this
 * copy with the same names and shapes, so switching is an import change.
 */
export type MetaErrorClass = 'throttled' | 'transient' | 'auth' | 'permanent' | 'template' | 'quality' | 'unknown';

const THROTTLED = new Set([4, 80007, 130429, 131056, 131057, 133016]);
const TRANSIENT = new Set([1, 2, 131000, 131016, 133004]);
const AUTH = new Set([0, 3, 10, 190, 131031, 131045, 133010, 368, 130497, 131063]);
const PERMANENT = new Set([100, 131008, 131009, 131021, 131026, 131047, 131050, 131051, 131062, 130403]);
const TEMPLATE = new Set([132000, 132001, 132005, 132007, 132012, 132015, 132016, 132068, 132069]);
const QUALITY = new Set([131048, 131049, 131064]);

export function classifyMetaError(code: number | undefined): MetaErrorClass {
  if (code === undefined) return 'unknown';
  if (THROTTLED.has(code)) return 'throttled';
  if (TRANSIENT.has(code)) return 'transient';
  if (AUTH.has(code) || (code >= 200 && code <= 299)) return 'auth';
  if (PERMANENT.has(code)) return 'permanent';
  if (TEMPLATE.has(code) || (code >= 132000 && code <= 132099)) return 'template';
  if (QUALITY.has(code)) return 'quality';
  return 'unknown';
}

export interface GraphError {
  class: MetaErrorClass;
  code?: number;
  subcode?: number;
  message: string;
  httpStatus: number;
  fbtraceId?: string;
}

/**
 * Reads Meta's `{error:{code, message, error_subcode, fbtrace_id}}`. The class comes from the
 * code, never from the HTTP status; only a body without a code falls back to the status
 * (5xx/429 transient, else unknown).
 */
export function parseGraphError(httpStatus: number, body: unknown): GraphError {
  const err = (body as { error?: Record<string, unknown> } | null)?.error;
  const code = typeof err?.code === 'number' ? err.code : undefined;
  const message = typeof err?.message === 'string' ? err.message : `HTTP ${httpStatus}`;
  let cls = classifyMetaError(code);
  if (code === undefined) cls = httpStatus >= 500 || httpStatus === 429 ? 'transient' : 'unknown';
  return {
    class: cls,
    code,
    subcode: typeof err?.error_subcode === 'number' ? err.error_subcode : undefined,
    message,
    httpStatus,
    fbtraceId: typeof err?.fbtrace_id === 'string' ? err.fbtrace_id : undefined,
  };
}
