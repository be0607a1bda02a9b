import { Injectable } from '@nestjs/common';
import type { SealedSecret } from '@wabridge/config';
import type { Queryable } from '@wabridge/database';

export interface EndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  fallback_url: string | null;
  events: string[] | null;
  phone_number_ids: string[] | null;
  description: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  secret: SealedSecret;
  previous_secret: SealedSecret | null;
  previous_secret_until: Date | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface EndpointChanges {
  url?: string;
  fallback_url?: string | null;
  events?: string[] | null;
  phone_number_ids?: string[] | null;
  description?: string | null;
  enabled?: boolean;
}

/** Webhook endpoints; every query is scoped by tenant (first argument after the queryable). */
@Injectable()
export class EndpointsRepository {
  async insert(q: Queryable, row: Omit<EndpointRow, 'disabled_reason' | 'previous_secret' | 'previous_secret_until' | 'failing_since' | 'updated_at'>): Promise<EndpointRow> {
    const [r] = await q.query<EndpointRow[]>(
      `INSERT INTO endpoints (id, tenant_id, url, fallback_url, events, phone_number_ids, description, enabled, secret, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING *`,
      [row.id, row.tenant_id, row.url, row.fallback_url, row.events, row.phone_number_ids, row.description, row.enabled, JSON.stringify(row.secret), row.created_at],
    );
    return r!;
  }

  async find(q: Queryable, tenantId: string, id: string): Promise<EndpointRow | undefined> {
    const [r] = await q.query<EndpointRow[]>(`SELECT * FROM endpoints WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return r;
  }

  async list(q: Queryable, tenantId: string): Promise<EndpointRow[]> {
    return q.query<EndpointRow[]>(`SELECT * FROM endpoints WHERE tenant_id = $1 ORDER BY id`, [tenantId]);
  }

  async update(q: Queryable, tenantId: string, id: string, changes: EndpointChanges, now: Date): Promise<EndpointRow | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [tenantId, id, now];
    for (const [col, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${col} = $${params.length}`);
    }
    // re-enabling starts a fresh failure window
    if (changes.enabled === true) sets.push('disabled_reason = NULL', 'failing_since = NULL');
    const [r] = await q.query<[EndpointRow[], number]>(
      `UPDATE endpoints SET ${[...sets, 'updated_at = $3'].join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING *`,
      params,
    );
    return r[0];
  }

  async remove(q: Queryable, tenantId: string, id: string): Promise<boolean> {
    const r = await q.query<[unknown[], number]>(`DELETE FROM endpoints WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return r[1] > 0;
  }

  async rotate(q: Queryable, tenantId: string, id: string, secret: SealedSecret, previousUntil: Date, now: Date): Promise<EndpointRow | undefined> {
    const [r] = await q.query<[EndpointRow[], number]>(
      `UPDATE endpoints SET previous_secret = secret, previous_secret_until = $4, secret = $3, updated_at = $5
       WHERE tenant_id = $1 AND id = $2 RETURNING *`,
      [tenantId, id, JSON.stringify(secret), previousUntil, now],
    );
    return r[0];
  }

  // ---- the worker's view (by id: the delivery row already carries the tenant) ----

  async byIds(q: Queryable, ids: string[]): Promise<EndpointRow[]> {
    return q.query<EndpointRow[]>(`SELECT * FROM endpoints WHERE id = ANY($1)`, [ids]);
  }

  /** Records a failure; returns the start of the failing streak. */
  async markFailed(q: Queryable, id: string, now: Date): Promise<Date | undefined> {
    const [r] = await q.query<[{ failing_since: Date }[], number]>(
      `UPDATE endpoints SET failing_since = COALESCE(failing_since, $2) WHERE id = $1 RETURNING failing_since`,
      [id, now],
    );
    return r[0]?.failing_since;
  }

  /** Disables the endpoint if still enabled; true when this call did it. */
  async disable(q: Queryable, id: string, reason: string, now: Date): Promise<EndpointRow | undefined> {
    const [r] = await q.query<[EndpointRow[], number]>(
      `UPDATE endpoints SET enabled = false, disabled_reason = $2, updated_at = $3 WHERE id = $1 AND enabled RETURNING *`,
      [id, reason, now],
    );
    return r[0];
  }
}
