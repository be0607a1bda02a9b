import 'reflect-metadata';

/** A versioned topic. Breaking change = new version = new topic, never an edit. */
export interface TopicSpec {
  readonly topic: string;
  readonly version: number;
  /** Log compaction (latest value per key), for state topics such as number/contact config. */
  readonly compacted?: boolean;
  /**
   * What the message key is made of (`<phoneNumberId>`, `<phoneNumberId>:<waId ?? userId>`):
   * partitioning and, for compacted topics, identity. Documented in docs/events/asyncapi.yaml;
   * the AsyncAPI generator refuses a registered topic without one.
   */
  readonly key?: string;
}

/**
 * The `event-type` header of a contract's events: its topic without the `wa.` prefix and the
 * version (and retry-tier) suffix — `wa.outbound.requested.v1` → `outbound.requested`,
 * `wa.outbound.retry.v1.5s` → `outbound.retry`. One spelling for every producer.
 */
export function eventTypeOf(spec: Pick<TopicSpec, 'topic'>): string {
  return spec.topic.replace(/^wa\./, '').replace(/\.v\d+(\..+)?$/, '');
}

/** The dead-letter topic of a consumer (group): `<consumer>.dlq.v1`. */
export function dlqTopicFor(consumer: string): string {
  return `${consumer}.dlq.v1`;
}

/** Contract class constructors are registered with their topic so transports can validate. */
export type ContractClass<T extends object = object> = new () => T;

const registry = new Map<string, { spec: TopicSpec; cls: ContractClass }>();

export function registerContract(spec: TopicSpec, cls: ContractClass): void {
  registry.set(spec.topic, { spec, cls });
}

export function contractFor(topic: string): { spec: TopicSpec; cls: ContractClass } | undefined {
  return registry.get(topic);
}

export function registeredTopics(): TopicSpec[] {
  return [...registry.values()].map((e) => e.spec);
}

/** Topic name with an optional deployment/test suffix (`wa.inbound.message.v1.<suffix>`). */
export function topicName(base: string, suffix?: string): string {
  return suffix ? `${base}.${suffix}` : base;
}
