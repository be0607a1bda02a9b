import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * A tenant's settings in the service's own `tenant_settings` table (`tenant_id` primary key,
 * `retention_days` nullable, `updated_at`); no row = every setting at its default. Media and
 * conversations keep their per-tenant retention this way (ADR 0112, 0132).
 */
@Injectable()
export class TenantSettingsRepository {
  constructor(private readonly ds: DataSource) {}

  /** The tenant's own retention in days; null = the service's default (its `*_RETENTION_DAYS`). */
  async retentionDays(tenantId: string): Promise<number | null> {
    const rows = await this.ds.query<{ retentionDays: number | null }[]>(
      `SELECT retention_days AS "retentionDays" FROM tenant_settings WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0]?.retentionDays ?? null;
  }

  async setRetentionDays(tenantId: string, days: number | null, at: Date): Promise<void> {
    await this.ds.query(
      `INSERT INTO tenant_settings (tenant_id, retention_days, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET retention_days = EXCLUDED.retention_days, updated_at = EXCLUDED.updated_at`,
      [tenantId, days, at],
    );
  }
}

/** A tenant holding rows, with its own retention setting (null = the service's default). */
export interface TenantRetention {
  tenantId: string;
  retentionDays: number | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Runs `prune(tenantId, before)` for every tenant whose retention — its own, else `defaultDays` —
 * is positive (0 keeps forever), `before` being `now` minus that many days. One tenant's failure
 * does not keep the others' prune from running: the failures are thrown together at the end.
 */
export async function pruneEachTenant(
  tenants: TenantRetention[],
  defaultDays: number,
  now: number,
  prune: (tenantId: string, before: Date) => Promise<void>,
): Promise<void> {
  const failures: string[] = [];
  for (const t of tenants) {
    const days = t.retentionDays ?? defaultDays;
    if (days <= 0) continue;
    try {
      await prune(t.tenantId, new Date(now - days * DAY_MS));
    } catch (err) {
      failures.push(`tenant ${t.tenantId}: ${(err as Error).message}`);
    }
  }
  if (failures.length > 0) throw new Error(failures.join('; '));
}
