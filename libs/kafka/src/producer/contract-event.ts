import { eventTypeOf, HEADER, TopicSpec } from '@wabridge/contracts';
import type { OutgoingEvent } from './event-producer';

export interface ContractEventOptions {
  /** Stamped as the `tenant-id` header (STYLE: every tenant-owned event carries it). */
  readonly tenantId?: string;
  /** Further headers (never the standard ones: those come from the contract). */
  readonly headers?: Record<string, string>;
}

/**
 * An event of a registered contract, ready for EventProducer.send: topic, `event-type`
 * (eventTypeOf) and `schema-version` come from the contract, so no producer spells them itself.
 */
export function contractEvent(spec: TopicSpec, key: string | null, value: unknown, options: ContractEventOptions = {}): OutgoingEvent {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.tenantId !== undefined) headers[HEADER.tenantId] = options.tenantId;
  return { topic: spec.topic, key, value, eventType: eventTypeOf(spec), schemaVersion: spec.version, headers };
}

/** The standard headers of a contract's event written without EventProducer (the ingress outbox). */
export function contractHeaders(spec: TopicSpec, tenantId?: string): Record<string, string> {
  const headers: Record<string, string> = { [HEADER.eventType]: eventTypeOf(spec), [HEADER.schemaVersion]: String(spec.version) };
  if (tenantId !== undefined) headers[HEADER.tenantId] = tenantId;
  return headers;
}
