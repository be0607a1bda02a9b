import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../common/clock';
import { NumbersRepository } from './numbers.repository';
import { ParkedEventsRepository } from './parked-events.repository';

/**
 * Inbound and status events carry a phone_number_id but no tenant. An event for a number whose
 * tenant is not known yet (its wa.number.changed.v1 has not been read) is parked in Postgres
 * and replayed when the number arrives — never dropped, and without blocking the partition
 * (ADR 0020). The number lock makes "check, then park" and "learn, then replay" exclusive.
 */
@Injectable()
export class TenantResolver {
  constructor(
    private readonly ds: DataSource,
    private readonly numbers: NumbersRepository,
    private readonly parked: ParkedEventsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The tenant of the number, or undefined after the event was parked. */
  async resolveOrPark(topic: string, phoneNumberId: string, dedupeKey: string, event: object): Promise<string | undefined> {
    const cached = await this.numbers.tenantOf(this.ds, phoneNumberId);
    if (cached) return cached;
    return this.ds.transaction(async (em) => {
      await this.numbers.lock(em, phoneNumberId);
      const tenantId = await this.numbers.tenantOf(em, phoneNumberId, false);
      if (tenantId) return tenantId;
      await this.parked.park(em, phoneNumberId, topic, dedupeKey, event, this.clock.now());
      return undefined;
    });
  }
}
