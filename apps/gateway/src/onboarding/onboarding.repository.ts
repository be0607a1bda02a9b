import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ulid } from 'ulid';
import { SealedSecret } from '@wabridge/config';
import { Queryable } from '@wabridge/database';
import { NUMBER_SELECT, NumberRow } from '../accounts/registry.repository';
import { DATA_SOURCE } from '../tokens';
import { NOT_REGISTERED_REASON, RegistrationColumns, RegistrationStatus } from './registration-state';

export type RegisteredNumberRow = NumberRow & Required<RegistrationColumns>;

export interface SignupRow {
  id: string;
  tenant_id: string;
  app_id: string;
  result: unknown;
}

export interface DiscoveredNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  registered: boolean;
}

/** The onboarding tables and columns (ADR 0167, 0168); every tenant-owned query takes the tenant first. */
@Injectable()
export class OnboardingRepository {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async findApp(appId: string): Promise<{ app_id: string; app_secret: SealedSecret } | null> {
    const rows: { app_id: string; app_secret: SealedSecret }[] = await this.db.query('SELECT app_id, app_secret FROM meta_apps WHERE app_id = $1', [appId]);
    return rows[0] ?? null;
  }

  async appIds(limit: number): Promise<string[]> {
    const rows: { app_id: string }[] = await this.db.query('SELECT app_id FROM meta_apps ORDER BY app_id LIMIT $1', [limit]);
    return rows.map((r) => r.app_id);
  }

  async findSignup(codeHash: Buffer): Promise<SignupRow | null> {
    const rows: SignupRow[] = await this.db.query('SELECT id, tenant_id, app_id, result FROM embedded_signups WHERE code_hash = $1', [codeHash]);
    return rows[0] ?? null;
  }

  /** WABAs and numbers among these that another tenant holds. */
  async foreignOwners(tenantId: string, wabaIds: string[], phoneNumberIds: string[]): Promise<{ wabaIds: string[]; phoneNumberIds: string[] }> {
    const wabas: { waba_id: string }[] = await this.db.query('SELECT waba_id FROM wabas WHERE waba_id = ANY($2) AND tenant_id <> $1', [tenantId, wabaIds]);
    const numbers: { phone_number_id: string }[] = await this.db.query('SELECT phone_number_id FROM phone_numbers WHERE phone_number_id = ANY($2) AND tenant_id <> $1', [tenantId, phoneNumberIds]);
    return { wabaIds: wabas.map((w) => w.waba_id), phoneNumberIds: numbers.map((n) => n.phone_number_id) };
  }

  /** Registers the WABA for the tenant; false when another tenant holds it (checked under the row lock). */
  async ensureWaba(m: Queryable, tenantId: string, wabaId: string, appId: string): Promise<boolean> {
    await m.query('INSERT INTO wabas (waba_id, tenant_id, app_id, business_id) VALUES ($1, $2, $3, $1) ON CONFLICT (waba_id) DO NOTHING', [wabaId, tenantId, appId]);
    const rows: { tenant_id: string }[] = await m.query('SELECT tenant_id FROM wabas WHERE waba_id = $1 FOR UPDATE', [wabaId]);
    return rows[0]?.tenant_id === tenantId;
  }

  /**
   * A number shared through embedded signup: new → `pending` and paused until registered (or
   * `registered` and active when Meta reports it connected already); known → its token and app
   * replaced, its registration state kept. Returns false when another tenant holds it.
   */
  async upsertDiscovered(m: Queryable, tenantId: string, n: DiscoveredNumber, appId: string, sealedToken: (phoneNumberId: string) => SealedSecret, graph: { baseUrl: string; version: string }): Promise<boolean> {
    const rows: { tenant_id: string }[] = await m.query(
      `INSERT INTO phone_numbers (id, tenant_id, phone_number_id, display_phone_number, waba_id, app_id, access_token,
         graph_base_url, graph_api_version, mps, tier, status, paused_reason, registration_status, registration_updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 80, '250', $10, $11, $12, now())
       ON CONFLICT (phone_number_id) DO UPDATE SET display_phone_number = EXCLUDED.display_phone_number, app_id = EXCLUDED.app_id,
         access_token = EXCLUDED.access_token, revision = phone_numbers.revision + 1, updated_at = now()
         WHERE phone_numbers.tenant_id = EXCLUDED.tenant_id
       RETURNING tenant_id`,
      [
        ulid(), tenantId, n.phoneNumberId, n.displayPhoneNumber, n.wabaId, appId, sealedToken(n.phoneNumberId), graph.baseUrl, graph.version,
        n.registered ? 'active' : 'paused', n.registered ? null : NOT_REGISTERED_REASON, n.registered ? 'registered' : 'pending',
      ],
    );
    return rows.length === 1;
  }

  async numberIn(m: Queryable, phoneNumberId: string): Promise<RegisteredNumberRow> {
    const rows: RegisteredNumberRow[] = await m.query(`${NUMBER_SELECT} WHERE n.phone_number_id = $1`, [phoneNumberId]);
    return rows[0]!;
  }

  async insertSignup(m: Queryable, tenantId: string, appId: string, codeHash: Buffer, sealToken: (id: string) => SealedSecret, wabaIds: string[], result: unknown): Promise<void> {
    const id = ulid();
    await m.query(
      `INSERT INTO embedded_signups (id, tenant_id, app_id, code_hash, business_token, waba_ids, result) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (code_hash) DO NOTHING`,
      [id, tenantId, appId, codeHash, sealToken(id), wabaIds, JSON.stringify(result)],
    );
  }

  /** The tenant's number with its registration columns, read fresh (never another tenant's). */
  async findNumber(tenantId: string, phoneNumberId: string): Promise<RegisteredNumberRow | null> {
    const rows: RegisteredNumberRow[] = await this.db.query(`${NUMBER_SELECT} WHERE n.tenant_id = $1 AND n.phone_number_id = $2`, [tenantId, phoneNumberId]);
    return rows[0] ?? null;
  }

  async setRegistration(tenantId: string, phoneNumberId: string, status: RegistrationStatus, pinSet?: boolean): Promise<void> {
    await this.db.query(
      `UPDATE phone_numbers SET registration_status = $3, two_step_pin_set = COALESCE($4, two_step_pin_set), registration_updated_at = now()
       WHERE tenant_id = $1 AND phone_number_id = $2`,
      [tenantId, phoneNumberId, status, pinSet ?? null],
    );
  }
}
