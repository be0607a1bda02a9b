/**
 * Meta's error taxonomy (DESIGN.md §5) comes from @wabridge/meta; this adapter only fixes
 * the dispatcher's reading of two edge cases.
 */
import { classifyMetaError as classify, ErrorClass, MetaGraphError, parseGraphError as parse } from '@wabridge/meta';

export type MetaErrorClass = ErrorClass;

/** A `failed` status webhook without an error code is 'unknown' (not a timeout, as in libs/meta). */
export function classifyMetaError(code: number | undefined): MetaErrorClass {
  return code === undefined ? 'unknown' : classify(code);
}

export type GraphError = Pick<MetaGraphError, 'class' | 'message'> & {
  code?: number;
  subcode?: number;
  httpStatus?: number;
  fbtraceId?: string;
};

/** Reads Meta's error response; the class comes from the code, the HTTP status only when there is none. */
export function parseGraphError(httpStatus: number, body: unknown): GraphError {
  const e = parse(httpStatus, body);
  return { class: e.class, message: e.message, code: e.code, subcode: e.subcode, httpStatus, fbtraceId: e.fbtraceId };
}
