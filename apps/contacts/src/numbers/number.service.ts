import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { INBOUND_MESSAGE_V1, InboundMessageV1, NumberChangedV1, STATUS_UPDATED_V1, StatusUpdatedV1, validateContract } from '@wabridge/contracts';
import { InboundService } from '../inbound/inbound.service';
import { StatusService } from '../status/status.service';
import { NumbersRepository } from './numbers.repository';
import { ParkedEventsRepository } from './parked-events.repository';
import { lockNumber } from './tenant-resolver';

/** Keeps phone_number_id → tenant from `wa.number.changed.v1` and replays events parked for it. */
@Injectable()
export class NumberService {
  private readonly log = new Logger(NumberService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly numbers: NumbersRepository,
    private readonly parked: ParkedEventsRepository,
    private readonly inbound: InboundService,
    private readonly statuses: StatusService,
  ) {}

  async handle(event: NumberChangedV1): Promise<void> {
    await this.ds.transaction(async (em) => {
      await lockNumber(em, event.phoneNumberId);
      await this.numbers.upsert(em, {
        phoneNumberId: event.phoneNumberId, tenantId: event.tenantId, deleted: event.deleted === true,
        revision: event.revision, updatedAt: new Date(event.updatedAt),
      });
    });
    await this.replayParked(event.phoneNumberId);
  }

  /** Applies parked events in arrival order; each is removed only after it was applied. */
  async replayParked(phoneNumberId: string): Promise<number> {
    const tenantId = await this.numbers.tenantOf(this.ds, phoneNumberId, false);
    if (!tenantId) return 0;
    let replayed = 0;
    for (;;) {
      const batch = await this.parked.next(this.ds, phoneNumberId, 200);
      if (batch.length === 0) break;
      for (const p of batch) {
        if (p.topic === INBOUND_MESSAGE_V1.topic) {
          const v = validateContract(InboundMessageV1, p.payload);
          if (v.ok) await this.inbound.apply(tenantId, v.value);
          else this.log.error(`dropping unparseable parked inbound ${p.id}: ${v.reason}`);
        } else if (p.topic === STATUS_UPDATED_V1.topic) {
          const v = validateContract(StatusUpdatedV1, p.payload);
          if (v.ok) await this.statuses.apply(tenantId, v.value);
          else this.log.error(`dropping unparseable parked status ${p.id}: ${v.reason}`);
        }
        await this.parked.remove(this.ds, p.id);
        replayed++;
      }
    }
    if (replayed > 0) this.log.log(`replayed ${replayed} parked event(s) for number ${phoneNumberId}`);
    return replayed;
  }
}
