import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A tenant's conversation settings (`tenant_settings`); no row = every setting at its default. */
@Injectable()
export class TenantSettingsRepository {
  constructor(private readonly ds: DataSource) {}

  /** The tenant's own retention in days; null = CONVERSATIONS_RETENTION_DAYS. */
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
