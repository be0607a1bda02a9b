import type { Context } from '@opentelemetry/api';
import type { ErrorClassName, OutboundRequestedV1, OutboundRetryV1 } from '@wabridge/contracts';

/** One copy of a message taken from Kafka: a request, or a retry envelope around one. */
export interface WorkItem {
  request: OutboundRequestedV1;
  /** Present when the item came from a retry tier. */
  retry?: OutboundRetryV1;
  /** Trace context from the Kafka headers (the gateway's request, or our own earlier attempt). */
  parent?: Context;
  /** Topic it was consumed from (span names). */
  topic?: string;
}

/** The error a message's row and events carry (`{class, code, message}` on `wa.outbound.events.v1`). */
export interface ErrorInfo {
  class: ErrorClassName;
  code?: number;
  message: string;
}
