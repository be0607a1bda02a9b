import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  ACCOUNT_EVENT_V1, AccountEventV1, CONTACT_CHANGED_V1, CONTACT_ERASED_V1, ContactChangedV1, ContactErasedV1, NUMBER_CHANGED_V1, NumberChangedV1,
  STATUS_UPDATED_V1, StatusUpdatedV1,
} from '@wabridge/contracts';
import { KafkaBatchItem, KafkaEventContext } from '@wabridge/kafka';
import { StatusBacklog } from '../lifecycle/status-backlog';
import { StatusService } from '../lifecycle/status.service';
import { MessageLifecycle } from '../lifecycle/message-lifecycle';
import { ErasureRepository } from '../state/erasure.repository';
import { StateStore } from '../state/state.store';

export const DISPATCHER = Symbol('DISPATCHER');
export interface DispatcherParts {
  backlog: StatusBacklog;
  state: StateStore;
  status: StatusService;
  lifecycle: MessageLifecycle;
  erasure: ErasureRepository;
}

/** Edges for the low-volume topics (Nest Kafka transport): state copies and statuses. */
@Controller()
export class StateConsumer {
  constructor(@Inject(DISPATCHER) private readonly parts: DispatcherParts) {}

  @EventPattern(NUMBER_CHANGED_V1.topic)
  async number(@Payload() ev: NumberChangedV1, @Ctx() _ctx: KafkaEventContext): Promise<void> {
    const { active } = await this.parts.state.applyNumber(ev);
    if (active) await this.parts.lifecycle.resumeHeld(ev.phoneNumberId);
  }

  @EventPattern(CONTACT_CHANGED_V1.topic)
  contact(@Payload() ev: ContactChangedV1): Promise<void> {
    return this.parts.state.applyContact(ev);
  }

  /** GDPR erasure (ADR 0075): scrub this contact's rows; keep an opted-out contact suppressed by hash. */
  @EventPattern(CONTACT_ERASED_V1.topic)
  async erased(@Payload() ev: ContactErasedV1): Promise<void> {
    await this.parts.erasure.erase({
      tenantId: ev.tenantId, phoneNumberId: ev.phoneNumberId, recipients: [ev.waId, ev.userId].filter((r): r is string => !!r),
      optedOut: ev.optedOut === true, at: new Date(ev.erasedAt),
    });
  }

  @EventPattern(ACCOUNT_EVENT_V1.topic)
  account(@Payload() ev: AccountEventV1): Promise<void> {
    return this.parts.state.applyAccountEvent(ev);
  }

  /**
   * Statuses in batch mode (ADR 0127): a partition's batch is applied with a statement and a
   * produce per group of messages instead of a round trip and an acknowledged produce per status,
   * which could not keep up with three statuses per send.
   */
  @EventPattern(STATUS_UPDATED_V1.topic, { batch: true })
  async status(@Payload() items: KafkaBatchItem<StatusUpdatedV1>[]): Promise<void> {
    if (items.length === 0) return;
    await this.parts.status.applyBatch(items.map((i) => i.payload));
    const last = items[items.length - 1]!;
    this.parts.backlog.markApplied(last.meta.partition, last.meta.offset);
  }
}
