import { Injectable } from '@nestjs/common';
import { NumberChangedV1 } from '@wabridge/contracts';
import { DataSource } from 'typeorm';

export interface QualityEvent {
  wabaId: string;
  /** The number's id, or its display number as digits. */
  ref: string;
  event: string | null;
  currentLimit: string | null;
  at: Date;
}

export interface NumberState {
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  status: string | null;
  pausedReason: string | null;
  /** Messaging tier as the platform holds it (business-initiated conversations per 24 h). */
  tier: string | null;
  /** Meta's last `phone_number_quality_update` for the number, if any arrived. */
  quality: { event: string | null; currentLimit: string | null; at: string } | null;
}

export function digitsOf(phone: string): string {
  return phone.replace(/\D/g, '');
}

/** Number → tenant and WABA, from the compacted `wa.number.changed.v1` (newest revision wins). */
@Injectable()
export class NumbersRepository {
  constructor(private readonly ds: DataSource) {}

  async upsert(ev: NumberChangedV1): Promise<void> {
    await this.ds.query(
      `INSERT INTO numbers AS n (phone_number_id, tenant_id, waba_id, deleted, revision, display_phone_number, status, paused_reason, tier)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (phone_number_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, waba_id = EXCLUDED.waba_id, deleted = EXCLUDED.deleted,
         revision = EXCLUDED.revision, display_phone_number = EXCLUDED.display_phone_number, status = EXCLUDED.status,
         paused_reason = EXCLUDED.paused_reason, tier = EXCLUDED.tier
       WHERE n.revision <= EXCLUDED.revision`,
      [ev.phoneNumberId, ev.tenantId, ev.wabaId, ev.deleted ?? false, ev.revision, digitsOf(ev.displayPhoneNumber), ev.status, ev.pausedReason ?? null, ev.tier],
    );
  }

  /**
   * Meta's quality events name the number by its display number within the WABA (no id); the
   * newest event per number wins, so replays and late duplicates change nothing.
   */
  async recordQuality(events: QualityEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.ds.query(
      `UPDATE numbers AS n SET quality_event = e.event, quality_limit = e.current_limit, quality_at = e.at
       FROM (SELECT DISTINCT ON (waba_id, ref) * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
               AS u(waba_id, ref, event, current_limit, at) ORDER BY waba_id, ref, at DESC) e
       WHERE n.waba_id = e.waba_id AND (n.phone_number_id = e.ref OR n.display_phone_number = e.ref)
         AND (n.quality_at IS NULL OR n.quality_at <= e.at)`,
      [events.map((e) => e.wabaId), events.map((e) => e.ref), events.map((e) => e.event), events.map((e) => e.currentLimit), events.map((e) => e.at)],
    );
  }

  /** The tenant's numbers with what the dashboard shows about each. */
  async listForTenant(tenantId: string): Promise<NumberState[]> {
    const rows = await this.ds.query<{ phone_number_id: string; display_phone_number: string | null; status: string | null; paused_reason: string | null; tier: string | null; quality_event: string | null; quality_limit: string | null; quality_at: Date | null }[]>(
      `SELECT phone_number_id, display_phone_number, status, paused_reason, tier, quality_event, quality_limit, quality_at
       FROM numbers WHERE tenant_id = $1 AND NOT deleted ORDER BY phone_number_id`,
      [tenantId],
    );
    return rows.map((r) => ({
      phoneNumberId: r.phone_number_id, displayPhoneNumber: r.display_phone_number, status: r.status, pausedReason: r.paused_reason, tier: r.tier,
      quality: r.quality_at ? { event: r.quality_event, currentLimit: r.quality_limit, at: r.quality_at.toISOString() } : null,
    }));
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
