import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NumberChangedV1 } from '@wabridge/contracts';

export interface NumberRow {
  phone_number_id: string;
  tenant_id: string;
  business_id: string;
  tier: string;
  mps: number;
  status: string;
}

/** The numbers' limits, kept from wa.number.changed.v1 (event-carried state, DESIGN.md §1). */
@Injectable()
export class NumbersRepository {
  constructor(private readonly db: DataSource) {}

  /** Latest revision wins; a deleted number is forgotten. */
  async apply(e: NumberChangedV1): Promise<void> {
    if (e.deleted) {
      await this.db.query('DELETE FROM numbers WHERE phone_number_id = $1 AND revision <= $2', [e.phoneNumberId, e.revision]);
      return;
    }
    await this.db.query(
      `INSERT INTO numbers (phone_number_id, tenant_id, business_id, tier, mps, status, revision) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (phone_number_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, business_id = EXCLUDED.business_id, tier = EXCLUDED.tier,
         mps = EXCLUDED.mps, status = EXCLUDED.status, revision = EXCLUDED.revision
       WHERE numbers.revision <= EXCLUDED.revision`,
      [e.phoneNumberId, e.tenantId, e.businessId, e.tier, e.mps, e.status, e.revision],
    );
  }

  async get(phoneNumberId: string): Promise<NumberRow | null> {
    const rows = await this.db.query<NumberRow[]>('SELECT * FROM numbers WHERE phone_number_id = $1', [phoneNumberId]);
    return rows[0] ?? null;
  }

  /** The numbers sharing the messaging limit with this one (its business portfolio). */
  async portfolioOf(n: NumberRow): Promise<string[]> {
    const rows = await this.db.query<{ phone_number_id: string }[]>('SELECT phone_number_id FROM numbers WHERE business_id = $1', [n.business_id]);
    return rows.map((r) => r.phone_number_id);
  }
}
