import { context, propagation, ROOT_CONTEXT, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

/** Kafka message headers as kafkajs accepts them when producing. */
export type OutgoingHeaders = Record<string, string | Buffer | undefined>;
/** Kafka message headers as kafkajs hands them to a consumer (values are usually Buffers). */
export type IncomingHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

const setter: TextMapSetter<OutgoingHeaders> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

const getter: TextMapGetter<IncomingHeaders> = {
  keys(carrier) {
    return Object.keys(carrier);
  },
  get(carrier, key) {
    const value = carrier[key];
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value.map((v) => v.toString());
    return value.toString();
  },
};

/**
 * Writes W3C `traceparent` / `tracestate` / `baggage` for `ctx` (default: the active context)
 * into `headers`, in place. Writes nothing when there is no recording span to continue.
 */
export function injectTraceHeaders(headers: OutgoingHeaders, ctx: Context = context.active()): void {
  propagation.inject(ctx, headers, setter);
}

/**
 * Reads the trace context a producer put into `headers`. The result is based on the root
 * context, not the consumer's active one, so a message without headers starts a fresh trace
 * instead of joining whatever the polling loop happened to run under.
 */
export function extractTraceContext(headers: IncomingHeaders | undefined): Context {
  if (!headers) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, headers, getter);
}
