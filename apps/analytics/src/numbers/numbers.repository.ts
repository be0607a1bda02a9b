import { Injectable } from '@nestjs/common';
import { NumberChangedV1 } from '@wabridge/contracts';
import { DataSource } from 'typeorm';

/** Number → tenant and WABA, from the compacted `wa.number.changed.v1` (newest revision wins). */
@Injectable()
export class NumbersRepository {
  constructor(private readonly ds: DataSource) {}

  async upsert(ev: NumberChangedV1): Promise<void> {
    await this.ds.query(
      `INSERT INTO numbers AS n (phone_number_id, tenant_id, waba_id, deleted, revision) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (phone_number_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, waba_id = EXCLUDED.waba_id, deleted = EXCLUDED.deleted, revision = EXCLUDED.revision
       WHERE n.revision <= EXCLUDED.revision`,
      [ev.phoneNumberId, ev.tenantId, ev.wabaId, ev.deleted ?? false, ev.revision],
    );
  }

  /** Tenants owning the named numbers, and the tenants with numbers in the named WABAs. */
  async ownersOf(refs: { wabaId: string; phoneNumberId?: string }[]): Promise<{ byNumber: Map<string, string[]>; byWaba: Map<string, string[]> }> {
    const numbers = [...new Set(refs.flatMap((r) => (r.phoneNumberId ? [r.phoneNumberId] : [])))];
    const wabas = [...new Set(refs.map((r) => r.wabaId))];
    const rows = await this.ds.query<{ phone_number_id: string; tenant_id: string; waba_id: string }[]>(
      `SELECT phone_number_id, tenant_id, waba_id FROM numbers WHERE NOT deleted AND (phone_number_id = ANY($1::text[]) OR waba_id = ANY($2::text[]))`,
      [numbers, wabas],
    );
    const byNumber = new Map<string, string[]>();
    const byWaba = new Map<string, string[]>();
    for (const r of rows) {
      byNumber.set(r.phone_number_id, [r.tenant_id]);
      const list = byWaba.get(r.waba_id) ?? [];
      if (!list.includes(r.tenant_id)) list.push(r.tenant_id);
      byWaba.set(r.waba_id, list);
    }
    return { byNumber, byWaba };
  }
}
