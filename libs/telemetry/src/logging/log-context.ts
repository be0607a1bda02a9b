import { AsyncLocalStorage } from 'node:async_hooks';
import { trace, type Span } from '@opentelemetry/api';

/**
 * Who a piece of work is for, carried to every log line written while doing it: set where the
 * gateway has authenticated a request and where a consumer handles an event. Mutable on
 * purpose: a handler learns the message id after the tenant (`addLogFields`), and every line
 * of the same request or event sees it.
 */
export interface LogFields {
  tenant_id?: string;
  message_id?: string;
}

const storage = new AsyncLocalStorage<LogFields>();

/** Runs `fn` with its own log fields (a copy of `fields`); lines written inside carry them. */
export function runWithLogContext<T>(fields: LogFields, fn: () => T): T {
  return storage.run({ ...fields }, fn);
}

/** Adds fields to the current context (no-op outside `runWithLogContext`). */
export function addLogFields(fields: LogFields): void {
  const store = storage.getStore();
  if (store) Object.assign(store, fields);
}

const bySpan = new WeakMap<Span, LogFields>();

/**
 * Adds fields to every line written while the active span is active: for an HTTP request,
 * whose handler runs in the server span's context (ObservabilityModule, ADR 0147), and whose
 * access-log line is written in it too. The gateway's auth guard sets the tenant this way.
 * Without an active span it falls back to `addLogFields`.
 */
export function addSpanLogFields(fields: LogFields): void {
  const span = trace.getActiveSpan();
  if (!span) return addLogFields(fields);
  const existing = bySpan.get(span);
  if (existing) Object.assign(existing, fields);
  else bySpan.set(span, { ...fields });
}

/** Fields attached to `span` by `addSpanLogFields`. */
export function spanLogFields(span: Span): LogFields | undefined {
  return bySpan.get(span);
}

/** The current context's fields, if any. */
export function currentLogFields(): LogFields | undefined {
  return storage.getStore();
}

/**
 * Log fields of a consumed event: `tenantId` and our message id (`messageId`, or `id` of an
 * outbound request) when the payload has them. For consumers that run per event or per batch.
 */
export function logFieldsOf(payload: unknown): LogFields {
  if (payload === null || typeof payload !== 'object') return {};
  const p = payload as Record<string, unknown>;
  const fields: LogFields = {};
  if (typeof p['tenantId'] === 'string') fields.tenant_id = p['tenantId'];
  const messageId = typeof p['messageId'] === 'string' ? p['messageId'] : undefined;
  if (messageId) fields.message_id = messageId;
  return fields;
}
