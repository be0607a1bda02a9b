import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ulid } from 'ulid';
import { SealedSecret } from '@wabridge/config';
import { MessagingTier } from '@wabridge/contracts';
import { Queryable } from '@wabridge/database';
import { DATA_SOURCE } from '../tokens';

export interface AppRow {
  app_id: string;
  app_secret: SealedSecret;
  verify_token: SealedSecret;
  revision: number;
  updated_at: Date;
}

export interface NumberRow {
  id: string;
  tenant_id: string;
  phone_number_id: string;
  display_phone_number: string;
  waba_id: string;
  app_id: string;
  business_id: string;
  access_token: SealedSecret;
  graph_base_url: string;
  graph_api_version: string;
  mps: number;
  tier: MessagingTier;
  status: 'active' | 'paused';
  paused_reason: string | null;
  revision: number;
  created_at: Date;
  updated_at: Date;
  /** Meta's view of the number and its WABA (ADR 0163; null until Meta told us). */
  quality_rating: string | null;
  name_status: string | null;
  messaging_tier: MessagingTier | null;
  throughput_mps: number | null;
  coexistence: boolean;
  review_status: string | null;
  ban_state: string | null;
  restrictions: string[] | null;
  restricted_until: Date | null;
}

/** A number with its WABA's business and Meta state: the shape every reader of `NumberRow` gets. */
export const NUMBER_SELECT = `
  SELECT n.*, w.business_id, w.review_status, w.ban_state, w.restrictions, w.restricted_until
  FROM phone_numbers n JOIN wabas w ON w.waba_id = n.waba_id`;

/** A number as registered through the admin API; its access token already sealed. */
export interface NumberRegistration {
  tenantId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  appId: string;
  accessToken: SealedSecret;
  graphBaseUrl: string;
  graphApiVersion: string;
  mps: number;
  tier: MessagingTier;
}

/** Every operator-set column of a number, as `updateNumber` writes them. */
export interface NumberSettings {
  displayPhoneNumber: string;
  accessToken: SealedSecret;
  graphBaseUrl: string;
  graphApiVersion: string;
  mps: number;
  tier: MessagingTier;
  status: 'active' | 'paused';
  pausedReason: string | null;
  coexistence: boolean;
}

/**
 * SQL of the registry: Meta apps, WABAs and phone numbers (ADR 0188). Methods that take `m`
 * run inside the caller's transaction (row locks, write-then-publish).
 */
@Injectable()
export class RegistryRepository {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Creates or replaces an app's sealed credentials; answers the stored row (revision bumped on replace). */
  async upsertApp(m: Queryable, appId: string, appSecret: SealedSecret, verifyToken: SealedSecret): Promise<AppRow> {
    const [row] = await m.query<AppRow[]>(
      `INSERT INTO meta_apps (app_id, app_secret, verify_token) VALUES ($1, $2, $3)
       ON CONFLICT (app_id) DO UPDATE SET app_secret = EXCLUDED.app_secret, verify_token = EXCLUDED.verify_token,
         revision = meta_apps.revision + 1, updated_at = now()
       RETURNING *`,
      [appId, appSecret, verifyToken],
    );
    return row!;
  }

  listApps(): Promise<{ app_id: string; created_at: Date; updated_at: Date }[]> {
    return this.db.query('SELECT app_id, created_at, updated_at FROM meta_apps ORDER BY app_id');
  }

  async appExists(m: Queryable, appId: string): Promise<boolean> {
    const rows = await m.query<unknown[]>('SELECT 1 FROM meta_apps WHERE app_id = $1', [appId]);
    return rows.length > 0;
  }

  /** Every app and number, for republishing the compacted topics. */
  allApps(): Promise<AppRow[]> {
    return this.db.query('SELECT * FROM meta_apps');
  }

  allNumbers(): Promise<NumberRow[]> {
    return this.db.query(NUMBER_SELECT);
  }

  /** Registers the WABA for the tenant on first use; the tenant that holds it afterwards. */
  async ensureWaba(m: Queryable, tenantId: string, wabaId: string, appId: string, businessId: string): Promise<string | undefined> {
    await m.query(
      `INSERT INTO wabas (waba_id, tenant_id, app_id, business_id) VALUES ($1, $2, $3, $4) ON CONFLICT (waba_id) DO NOTHING`,
      [wabaId, tenantId, appId, businessId],
    );
    const rows = await m.query<{ tenant_id: string }[]>('SELECT tenant_id FROM wabas WHERE waba_id = $1', [wabaId]);
    return rows[0]?.tenant_id;
  }

  /** The number's own row (any tenant's), locked until the transaction ends. */
  async lockNumber(m: Queryable, phoneNumberId: string): Promise<NumberRow | null> {
    const rows = await m.query<NumberRow[]>('SELECT * FROM phone_numbers WHERE phone_number_id = $1 FOR UPDATE', [phoneNumberId]);
    return rows[0] ?? null;
  }

  /** The tenant's number's own row, locked until the transaction ends. */
  async lockTenantNumber(m: Queryable, tenantId: string, phoneNumberId: string): Promise<NumberRow | null> {
    const rows = await m.query<NumberRow[]>('SELECT * FROM phone_numbers WHERE tenant_id = $1 AND phone_number_id = $2 FOR UPDATE', [tenantId, phoneNumberId]);
    return rows[0] ?? null;
  }

  /** Inserts the number, or replaces its settings and activates it again (revision bumped). */
  async upsertNumber(m: Queryable, n: NumberRegistration): Promise<void> {
    await m.query(
      `INSERT INTO phone_numbers (id, tenant_id, phone_number_id, display_phone_number, waba_id, app_id, access_token,
         graph_base_url, graph_api_version, mps, tier, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active')
       ON CONFLICT (phone_number_id) DO UPDATE SET display_phone_number = EXCLUDED.display_phone_number,
         waba_id = EXCLUDED.waba_id, app_id = EXCLUDED.app_id, access_token = EXCLUDED.access_token,
         graph_base_url = EXCLUDED.graph_base_url, graph_api_version = EXCLUDED.graph_api_version,
         mps = EXCLUDED.mps, tier = EXCLUDED.tier, status = 'active', paused_reason = NULL,
         revision = phone_numbers.revision + 1, updated_at = now()`,
      [ulid(), n.tenantId, n.phoneNumberId, n.displayPhoneNumber, n.wabaId, n.appId, n.accessToken, n.graphBaseUrl, n.graphApiVersion, n.mps, n.tier],
    );
  }

  async updateNumber(m: Queryable, tenantId: string, phoneNumberId: string, s: NumberSettings): Promise<void> {
    await m.query(
      `UPDATE phone_numbers SET display_phone_number = $3, access_token = $4, graph_base_url = $5, graph_api_version = $6,
         mps = $7, tier = $8, status = $9, paused_reason = $10, coexistence = $11, revision = revision + 1, updated_at = now()
       WHERE tenant_id = $1 AND phone_number_id = $2`,
      [tenantId, phoneNumberId, s.displayPhoneNumber, s.accessToken, s.graphBaseUrl, s.graphApiVersion, s.mps, s.tier, s.status, s.pausedReason, s.coexistence],
    );
  }

  /** The number (any tenant's) with its WABA's state; `q` is the transaction's handle inside one. */
  async findNumber(phoneNumberId: string, q: Queryable = this.db): Promise<NumberRow | null> {
    const rows = await q.query<NumberRow[]>(`${NUMBER_SELECT} WHERE n.phone_number_id = $1`, [phoneNumberId]);
    return rows[0] ?? null;
  }

  tenantNumbers(tenantId: string): Promise<NumberRow[]> {
    return this.db.query(`${NUMBER_SELECT} WHERE n.tenant_id = $1 ORDER BY n.phone_number_id`, [tenantId]);
  }

  async findTenantWaba(tenantId: string, wabaId: string): Promise<{ waba_id: string; app_id: string } | null> {
    const rows: { waba_id: string; app_id: string }[] = await this.db.query('SELECT waba_id, app_id FROM wabas WHERE tenant_id = $1 AND waba_id = $2', [tenantId, wabaId]);
    return rows[0] ?? null;
  }

  /** One number of the WABA, active ones first, then the oldest. */
  async firstNumberOfWaba(tenantId: string, wabaId: string): Promise<NumberRow | null> {
    const rows: NumberRow[] = await this.db.query(`${NUMBER_SELECT} WHERE n.tenant_id = $1 AND n.waba_id = $2 ORDER BY n.status, n.created_at LIMIT 1`, [tenantId, wabaId]);
    return rows[0] ?? null;
  }
}
