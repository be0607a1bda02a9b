import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Queryable, returnedRows } from '@wabridge/database';
import { NumberStateChange, WabaStateChange } from '@wabridge/meta';
import { NUMBER_SELECT, NumberRow } from '../accounts/registry.repository';
import { DATA_SOURCE } from '../tokens';

/** Columns Meta's facts land in (a whitelist: field names never reach SQL from outside). */
const NUMBER_COLUMNS: Record<Exclude<keyof NumberStateChange, 'displayPhoneNumber'>, string> = {
  qualityRating: 'quality_rating', nameStatus: 'name_status', messagingTier: 'messaging_tier', throughputMps: 'throughput_mps', coexistence: 'coexistence',
};
const WABA_COLUMNS: Record<Exclude<keyof WabaStateChange, 'messagingTier'>, string> = {
  reviewStatus: 'review_status', banState: 'ban_state', restrictions: 'restrictions', restrictedUntil: 'restricted_until',
  violation: 'violation', businessVerificationStatus: 'business_verification_status',
};

export interface WabaStateRow {
  waba_id: string;
  tenant_id: string;
  business_id: string;
  review_status: string | null;
  ban_state: string | null;
  restrictions: string[];
  restricted_until: Date | null;
  violation: string | null;
  business_verification_status: string | null;
  meta_times: Record<string, string>;
}

interface NumberMetaRow {
  phone_number_id: string;
  display_phone_number: string;
  meta_times: Record<string, string>;
  quality_rating: string | null;
  name_status: string | null;
  messaging_tier: string | null;
  throughput_mps: number | null;
  coexistence: boolean;
}

/**
 * The fields of a change that are news: not older than the last fact applied to that field
 * (per field, so a late quality webhook cannot undo a newer Graph read while a newer name
 * decision still applies) and different from the stored value. A fact as old as the stored one
 * applies (Meta's times have one-second resolution: of two facts in the same second the one that
 * arrived last wins). `times` is advanced for every field not older, changed or not.
 */
function newer<T extends object>(
  change: T, columns: Record<string, string>, current: Record<string, unknown>, times: Record<string, string>, at: string,
): { sets: [string, unknown][]; times: Record<string, string> } {
  const sets: [string, unknown][] = [];
  const next = { ...times };
  const atMs = Date.parse(at);
  for (const [field, value] of Object.entries(change)) {
    const column = columns[field];
    if (!column || value === undefined) continue;
    const last = times[field];
    if (last !== undefined && Date.parse(last) > atMs) continue;
    next[field] = new Date(atMs).toISOString();
    if (!sameValue(current[column], value)) sets.push([column, value]);
  }
  return { sets, times: next };
}

function sameValue(stored: unknown, value: unknown): boolean {
  const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /T/.test(v) ? new Date(v).toISOString() : v);
  return JSON.stringify(norm(stored) ?? null) === JSON.stringify(norm(value) ?? null);
}

/** SQL of Meta's account state in the registry tables (ADR 0163). */
@Injectable()
export class AccountStateRepository {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async lockWaba(m: Queryable, wabaId: string): Promise<WabaStateRow | null> {
    const rows: WabaStateRow[] = await m.query('SELECT * FROM wabas WHERE waba_id = $1 FOR UPDATE', [wabaId]);
    return rows[0] ?? null;
  }

  /**
   * Numbers of the WABA a change names: by id, else by display number (Meta's webhooks name
   * the number by its digits), else all of them (WABA-wide changes). Locked for the update.
   */
  async lockNumbers(m: Queryable, wabaId: string, by: { phoneNumberId?: string; displayDigits?: string }): Promise<NumberMetaRow[]> {
    const rows: NumberMetaRow[] = await m.query(
      `SELECT phone_number_id, display_phone_number, meta_times, quality_rating, name_status, messaging_tier, throughput_mps, coexistence FROM phone_numbers
       WHERE waba_id = $1 AND ($2::text IS NULL OR phone_number_id = $2)
         AND ($3::text IS NULL OR regexp_replace(display_phone_number, '\\D', '', 'g') = $3)
       ORDER BY phone_number_id FOR UPDATE`,
      [wabaId, by.phoneNumberId ?? null, by.displayDigits ?? null],
    );
    return rows;
  }

  /** Applies the newer fields of a number change; bumps the revision when anything changed. */
  async applyNumber(m: Queryable, row: NumberMetaRow, change: NumberStateChange, at: string): Promise<boolean> {
    const { displayPhoneNumber: _named, ...fields } = change;
    const { sets, times } = newer(fields, NUMBER_COLUMNS, row as unknown as Record<string, unknown>, row.meta_times ?? {}, at);
    if (sets.length === 0) {
      await m.query('UPDATE phone_numbers SET meta_times = $2 WHERE phone_number_id = $1', [row.phone_number_id, JSON.stringify(times)]);
      return false;
    }
    const assignments = sets.map(([column], i) => `${column} = $${i + 3}`).join(', ');
    await m.query(
      `UPDATE phone_numbers SET ${assignments}, meta_times = $2, revision = revision + 1, updated_at = now() WHERE phone_number_id = $1`,
      [row.phone_number_id, JSON.stringify(times), ...sets.map(([, v]) => v)],
    );
    return true;
  }

  /** Applies the newer fields of a WABA change; true when anything changed. */
  async applyWaba(m: Queryable, row: WabaStateRow, change: WabaStateChange, at: string): Promise<boolean> {
    const { messagingTier: _perNumber, ...fields } = change;
    const { sets, times } = newer(fields, WABA_COLUMNS, row as unknown as Record<string, unknown>, row.meta_times ?? {}, at);
    if (sets.length === 0) {
      await m.query('UPDATE wabas SET meta_times = $2 WHERE waba_id = $1', [row.waba_id, JSON.stringify(times)]);
      return false;
    }
    const assignments = sets.map(([column], i) => `${column} = $${i + 3}`).join(', ');
    await m.query(`UPDATE wabas SET ${assignments}, meta_times = $2 WHERE waba_id = $1`, [row.waba_id, JSON.stringify(times), ...sets.map(([, v]) => v)]);
    return true;
  }

  /** Bumps the revision of every number of the WABA (their published config derives from the WABA's state). */
  async bumpNumbersOfWaba(m: Queryable, wabaId: string): Promise<string[]> {
    const result: unknown = await m.query(
      'UPDATE phone_numbers SET revision = revision + 1, updated_at = now() WHERE waba_id = $1 RETURNING phone_number_id', [wabaId]);
    return returnedRows<{ phone_number_id: string }>(result).map((r) => r.phone_number_id);
  }

  async numberRows(m: Queryable, phoneNumberIds: string[]): Promise<NumberRow[]> {
    if (phoneNumberIds.length === 0) return [];
    return m.query(`${NUMBER_SELECT} WHERE n.phone_number_id = ANY($1) ORDER BY n.phone_number_id`, [phoneNumberIds]);
  }

  /** WABAs whose messaging restriction has expired but is still recorded (their numbers resume). */
  async expiredRestrictions(now: Date, limit: number): Promise<string[]> {
    const rows: { waba_id: string }[] = await this.db.query(
      `SELECT waba_id FROM wabas WHERE cardinality(restrictions) > 0 AND restricted_until IS NOT NULL AND restricted_until <= $1 ORDER BY waba_id LIMIT $2`,
      [now, limit]);
    return rows.map((r) => r.waba_id);
  }

  /** Clears an expired restriction (only if it is still the expired one). */
  async clearRestriction(m: Queryable, wabaId: string, now: Date): Promise<boolean> {
    const result: unknown = await m.query(
      `UPDATE wabas SET restrictions = '{}', restricted_until = NULL WHERE waba_id = $1 AND restricted_until IS NOT NULL AND restricted_until <= $2 RETURNING waba_id`,
      [wabaId, now]);
    return returnedRows(result).length > 0;
  }

  /**
   * Claims up to `limit` WABAs last read from Graph (or registered, if never read) before
   * `before`, oldest first, stamping them read at `now`: a new WABA waits one interval like the
   * others (no Graph burst at boot), and gateway instances never read the same WABA twice in an
   * interval (SKIP LOCKED).
   */
  async claimDueForRefresh(before: Date, now: Date, limit: number): Promise<string[]> {
    const result: unknown = await this.db.query(
      `UPDATE wabas SET meta_refreshed_at = $3 WHERE waba_id IN (
         SELECT waba_id FROM wabas WHERE COALESCE(meta_refreshed_at, created_at) < $1
         ORDER BY COALESCE(meta_refreshed_at, created_at), waba_id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING waba_id`,
      [before, limit, now]);
    return returnedRows<{ waba_id: string }>(result).map((r) => r.waba_id).sort();
  }

  async markRefreshed(wabaId: string, at: Date): Promise<void> {
    await this.db.query('UPDATE phone_numbers SET meta_refreshed_at = $2 WHERE waba_id = $1', [wabaId, at]);
  }

  /** The tenant's numbers, uncached (a tenant reading its numbers sees Meta's latest). */
  async tenantNumbers(tenantId: string, limit = 1000): Promise<NumberRow[]> {
    return this.db.query(`${NUMBER_SELECT} WHERE n.tenant_id = $1 ORDER BY n.phone_number_id LIMIT $2`, [tenantId, limit]);
  }

  async tenantNumber(tenantId: string, phoneNumberId: string): Promise<NumberRow | null> {
    const rows: NumberRow[] = await this.db.query(`${NUMBER_SELECT} WHERE n.tenant_id = $1 AND n.phone_number_id = $2`, [tenantId, phoneNumberId]);
    return rows[0] ?? null;
  }

  async wabaRows(tenantId: string): Promise<WabaStateRow[]> {
    return this.db.query('SELECT * FROM wabas WHERE tenant_id = $1 ORDER BY waba_id', [tenantId]);
  }

  async numbersOfWabaRows(wabaId: string): Promise<NumberRow[]> {
    return this.db.query(`${NUMBER_SELECT} WHERE n.waba_id = $1 ORDER BY n.phone_number_id`, [wabaId]);
  }
}
