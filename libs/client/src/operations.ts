import type { paths } from './generated/gateway-api';

/** Type-level view of the generated `paths`: which routes take which method, and their shapes. */

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';
export type ApiPath = keyof paths;

type Defined<T> = Exclude<T, undefined>;

/** The paths that have an operation for `M` (openapi-typescript writes `put?: never` for the others). */
export type PathsWith<M extends HttpMethod> = {
  [P in ApiPath]: [Defined<paths[P][M]>] extends [never] ? never : P;
}[ApiPath];

export type Operation<P extends ApiPath, M extends HttpMethod> = Defined<paths[P][M]>;

type ParamsOf<O> = O extends { parameters: infer X } ? X : never;
type Part<O, K extends 'path' | 'query' | 'header'> = ParamsOf<O> extends { [k in K]?: infer X } ? Defined<X> : never;

export type PathParams<O> = Part<O, 'path'>;
export type QueryParams<O> = Part<O, 'query'>;

type JsonOf<C> = C extends { 'application/json': infer J } ? J : never;
type ContentOf<R> = R extends { content: infer C } ? C : never;

/** The JSON request body of an operation (never when it takes none). */
export type RequestBody<O> = O extends { requestBody?: infer R } ? JsonOf<ContentOf<Defined<R>>> : never;

type ResponsesOf<O> = O extends { responses: infer R } ? R : never;
type SuccessStatus = 200 | 201 | 202 | 204;
type BodyOf<S, R> = S extends 204 ? undefined : [JsonOf<ContentOf<R>>] extends [never] ? unknown : JsonOf<ContentOf<R>>;

/**
 * The JSON body of an operation's success answers (2xx). `unknown` where the document does not
 * describe it, `undefined` for 204.
 */
export type SuccessBody<O> = {
  [S in keyof ResponsesOf<O>]: S extends SuccessStatus ? BodyOf<S, ResponsesOf<O>[S]> : never;
}[keyof ResponsesOf<O>];

/** The item type of a `{data: T[], nextCursor}` page. */
export type PageItem<B> = B extends { data?: (infer T)[] } ? T : unknown;

/** GET routes answering a cursor page (`{data, nextCursor}`), or undocumented ones. */
export type PagedPaths = {
  [P in PathsWith<'get'>]: SuccessBody<Operation<P, 'get'>> extends { nextCursor?: unknown } ? P : unknown extends SuccessBody<Operation<P, 'get'>> ? P : never;
}[PathsWith<'get'>];

export interface RequestOptions<O> {
  /** Values of the path's `{name}` segments. */
  path?: PathParams<O> extends never ? never : PathParams<O>;
  query?: QueryParams<O> extends never ? never : QueryParams<O>;
  /** JSON body. */
  body?: RequestBody<O>;
  /** A non-JSON body (e.g. a media upload's bytes or FormData) with its content type. */
  rawBody?: { data: NonNullable<RequestInit['body']>; contentType?: string };
  headers?: Record<string, string>;
  /**
   * Idempotency-Key for operations that take one (`POST /v1/messages`, conversation sends):
   * default a random UUID, reused by every retry of this call; pass your own to make a resend
   * after a crash idempotent too.
   */
  idempotencyKey?: string;
  /** Per-attempt timeout (default: the client's). */
  timeoutMs?: number;
  signal?: AbortSignal;
}
