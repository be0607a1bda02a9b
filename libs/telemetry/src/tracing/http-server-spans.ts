import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type TextMapGetter } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Routes that are probed or scraped every few seconds: no root span per call (ADR 0004). */
export const UNTRACED_ROUTES: ReadonlySet<string> = new Set(['/health/live', '/health/ready', '/metrics']);

const TRACER = '@wabridge/telemetry/http';
/** The request's trace context (its server span inside), from onRequest on. */
const CONTEXT = 'wabridgeTraceContext';

type TracedRequest = FastifyRequest & { [CONTEXT]: Context | null };

const headerGetter: TextMapGetter<FastifyRequest['headers']> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key],
};

/**
 * The server span of every request a Fastify app answers, in place of the incoming side of
 * @opentelemetry/instrumentation-http (ADR 0147). That instrumentation patches `Server#emit`
 * and, for every request, computes some twenty semantic-convention attributes from the raw
 * request, extracts propagation headers, binds the request and the response emitters to the
 * context (every listener added later is wrapped), adds a `close` listener and records metric
 * attributes — most of it even when the span is not sampled. Here:
 *
 * - `onRequest` (the route is matched by then): the caller's W3C context is read only when it
 *   sent a `traceparent`; the span is started with the sampler's decision, named
 *   `METHOD /route/:param` (never the raw URL with its ids), and an unsampled span gets no
 *   attributes. Health probes and `/metrics` are not traced.
 * - `preHandler`: the rest of the request (Nest's guards, pipes, the controller and what it
 *   awaits, Kafka produces, pg queries, fetch calls) runs inside that context. Set where the
 *   handler is called rather than in `onRequest`, so it does not depend on body parsing keeping
 *   the request's async context (the socket's callbacks do not; Fastify 5's content-type parser
 *   runs in an AsyncResource that does, an implementation detail).
 * - `onResponse` (or `onRequestAbort`): status code, ERROR status for 5xx, end.
 */
export function installServerSpans(fastify: FastifyInstance): void {
  fastify.decorateRequest(CONTEXT, null);
  const tracer = trace.getTracer(TRACER);

  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && UNTRACED_ROUTES.has(route)) return done();
    const headers = request.headers;
    // No traceparent (most callers: Meta, the bench, health-less clients): a new root, without
    // running the propagators over the headers.
    const parent = headers['traceparent'] === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, headers, headerGetter);
    const method = request.method;
    const span = tracer.startSpan(route === undefined ? method : `${method} ${route}`, { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      span.setAttribute('http.request.method', method);
      if (route !== undefined) span.setAttribute('http.route', route);
    }
    (request as TracedRequest)[CONTEXT] = trace.setSpan(parent, span);
    done();
  });

  fastify.addHook('preHandler', (request, _reply, done) => {
    const ctx = (request as TracedRequest)[CONTEXT];
    if (ctx === null) return done();
    context.with(ctx, done);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    end(request as TracedRequest, reply.statusCode);
    done();
  });

  // The caller went away before the answer: onResponse may never come.
  fastify.addHook('onRequestAbort', (request, done) => {
    end(request as TracedRequest, undefined);
    done();
  });
}

function end(request: TracedRequest, status: number | undefined): void {
  const span = request[CONTEXT] === null ? undefined : trace.getSpan(request[CONTEXT]);
  // Not traced; or not sampled (ending a non-recording span does nothing); or already ended
  // (an abort, then the late answer). The context stays on the request for later hooks.
  if (!span?.isRecording()) return;
  if (status === undefined) {
    span.setAttribute('error.type', 'aborted');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection before the answer' });
  } else {
    span.setAttribute('http.response.status_code', status);
    // Semantic conventions: a 4xx is the client's error, not the server span's.
    if (status >= 500) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  span.end();
}

/**
 * The trace context of a request (from `onRequest` on), for hooks that run outside it
 * (`onResponse`: the access log). Undefined when the request is not traced.
 */
export function requestTraceContext(request: object): Context | undefined {
  return (request as Partial<TracedRequest>)[CONTEXT] ?? undefined;
}
