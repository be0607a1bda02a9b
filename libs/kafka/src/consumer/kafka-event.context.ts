import { BaseRpcContext } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';

export interface KafkaEventMeta {
  /** Base topic (without suffix), as used in `@EventPattern`. */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  timestamp: string;
  headers: Record<string, string>;
  /** 1 on the first delivery to the handler, more on in-process retries. */
  attempt: number;
  /** Actual topic name (with deployment/test suffix) and consumer group, for transactional offset commits. */
  realTopic: string;
  groupId: string;
}

/** What a handler can ask about the message besides its validated payload (`@Ctx()`). */
export class KafkaEventContext extends BaseRpcContext<[KafkaEventMeta]> {
  constructor(meta: KafkaEventMeta) {
    super([meta]);
  }
  get meta(): KafkaEventMeta {
    return this.args[0];
  }
}

/** One validated message handed to a batch handler (`@EventPattern(topic, { batch: true })`). */
export interface KafkaBatchItem<T = unknown> {
  payload: T;
  meta: KafkaEventMeta;
  message: KafkaMessage;
}
