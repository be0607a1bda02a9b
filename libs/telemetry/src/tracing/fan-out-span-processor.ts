import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The one span processor handed to the SDK. It forwards to a list that can grow after boot,
 * because sdk-trace 2.x providers no longer accept processors once built, and tests that
 * share a process need to attach their in-memory exporter to an already-running SDK.
 */
export class FanOutSpanProcessor implements SpanProcessor {
  private readonly processors: SpanProcessor[] = [];

  add(processor: SpanProcessor): void {
    if (!this.processors.includes(processor)) this.processors.push(processor);
  }

  onStart(span: Span, parentContext: Context): void {
    for (const p of this.processors) p.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    for (const p of this.processors) p.onEnding?.(span);
  }

  onEnd(span: ReadableSpan): void {
    for (const p of this.processors) p.onEnd(span);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.shutdown()));
  }
}
