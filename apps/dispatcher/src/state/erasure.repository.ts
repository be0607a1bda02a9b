import { SETTLED_STATES } from '@wabridge/contracts';
import { Pg } from '../database/pg';
import { SuppressionHasher } from './suppression-hasher';

export interface Erasure {
  tenantId: string;
  phoneNumberId: string;
  /** The contact's sending keys (wa_id and/or BSUID). */
  recipients: string[];
  /** The contact had opted out: keep sends to it refused (by hash). */
  optedOut: boolean;
  at: Date;
}

/** The row kept for an erased recipient in tables that need one (no number in it). */
const ERASED = 'erased';

/**
 * GDPR erasure in the dispatcher's schema (ADR 0075), idempotent: the contact's messages keep
 * their row (ids, states, timestamps: the tenant's delivery record) but lose recipient,
 * request body, wamid and error text; messages not settled yet are rejected (their copies in
 * flight are stale by version); the contact's state row goes; portfolio reach rows keep
 * counting under a keyed hash. A contact that had opted out leaves a suppression hash.
 */
export class ErasureRepository {
  constructor(
    private readonly pg: Pg,
    private readonly hasher: SuppressionHasher,
  ) {}

  async erase(e: Erasure): Promise<{ messages: number }> {
    const recipients = [...new Set(e.recipients.filter((r) => r.length > 0))];
    if (recipients.length === 0) return { messages: 0 };
    return this.pg.transaction(async (q) => {
      if (e.optedOut) {
        for (const r of recipients) await this.suppressWith(q, e.tenantId, e.phoneNumberId, r, e.at);
      }
      const scrubbed = await q(
        `UPDATE messages SET recipient = $4, request = '{"erased":true}'::jsonb, wamid = NULL, trace_parent = NULL,
           status = CASE WHEN status = ANY($5) THEN status ELSE 'rejected' END,
           error_class = CASE WHEN status = ANY($5) THEN error_class ELSE 'erased' END,
           error_code = CASE WHEN status = ANY($5) THEN error_code ELSE NULL END,
           error_message = CASE WHEN status = ANY($5) THEN NULL ELSE 'the contact was erased before the message was sent' END,
           version = version + 1, updated_at = now()
         WHERE tenant_id = $1 AND phone_number_id = $2 AND recipient = ANY($3)
         RETURNING id`,
        [e.tenantId, e.phoneNumberId, recipients, ERASED, [...SETTLED_STATES]],
      );
      await q('DELETE FROM contacts WHERE tenant_id = $1 AND phone_number_id = $2 AND recipient = ANY($3)', [e.tenantId, e.phoneNumberId, recipients]);
      // A marketing hold names the user: it goes (a marketing send to an erased contact is moot).
      await q('DELETE FROM marketing_holds WHERE recipient = ANY($1) AND business_id IN (SELECT business_id FROM numbers WHERE tenant_id = $2)', [recipients, e.tenantId]);
      for (const r of recipients) {
        // Still counts against the messaging limit for the rest of its 24 h, under a name that is not the number.
        const label = `${ERASED}:${this.hasher.primary(e.tenantId, e.phoneNumberId, r)}`;
        await q(
          `DELETE FROM portfolio_reach WHERE recipient = $1
             AND business_id IN (SELECT business_id FROM portfolio_reach WHERE recipient = $2)
             AND business_id IN (SELECT business_id FROM numbers WHERE tenant_id = $3)`,
          [label, r, e.tenantId],
        );
        await q(
          `UPDATE portfolio_reach SET recipient = $1 WHERE recipient = $2 AND business_id IN (SELECT business_id FROM numbers WHERE tenant_id = $3)`,
          [label, r, e.tenantId],
        );
      }
      return { messages: scrubbed.rows.length };
    });
  }

  /** Adds (or renews) the suppression of one recipient; a replay changes nothing. */
  async suppress(tenantId: string, phoneNumberId: string, recipient: string, at: Date): Promise<void> {
    await this.suppressWith((sql, params) => this.pg.query(sql, params), tenantId, phoneNumberId, recipient, at);
  }

  /**
   * An explicit opt-in at `at` lifts a suppression made before it (the row stays, marked, so a
   * replayed erasure older than the opt-in does not suppress again).
   */
  async lift(tenantId: string, phoneNumberId: string, recipient: string, at: Date): Promise<void> {
    await this.pg.query(
      `UPDATE suppressions SET lifted_at = GREATEST(COALESCE(lifted_at, $2), $2)
       WHERE hash = ANY($1) AND suppressed_at < $2`,
      [this.hasher.all(tenantId, phoneNumberId, recipient), at],
    );
  }

  /** The recipients (of one tenant and number) whose sends are suppressed. */
  async suppressed(tenantId: string, phoneNumberId: string, recipients: string[]): Promise<Set<string>> {
    const byHash = new Map<string, string>();
    for (const r of recipients) for (const h of this.hasher.all(tenantId, phoneNumberId, r)) byHash.set(h, r);
    const out = new Set<string>();
    if (byHash.size === 0) return out;
    const { rows } = await this.pg.query<{ hash: string }>(
      'SELECT hash FROM suppressions WHERE hash = ANY($1) AND (lifted_at IS NULL OR lifted_at < suppressed_at)',
      [[...byHash.keys()]],
    );
    for (const r of rows) out.add(byHash.get(r.hash)!);
    return out;
  }

  private async suppressWith(
    q: (sql: string, params?: unknown[]) => Promise<unknown>, tenantId: string, phoneNumberId: string, recipient: string, at: Date,
  ): Promise<void> {
    await q(
      `INSERT INTO suppressions (hash, tenant_id, suppressed_at) VALUES ($1, $2, $3)
       ON CONFLICT (hash) DO UPDATE SET suppressed_at = GREATEST(suppressions.suppressed_at, EXCLUDED.suppressed_at)`,
      [this.hasher.primary(tenantId, phoneNumberId, recipient), tenantId, at],
    );
  }
}
