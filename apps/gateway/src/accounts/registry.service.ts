import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ulid } from 'ulid';
import { SecretBox } from '@wabridge/config';
import { MessagingTier } from '@wabridge/contracts';
import { ApiError } from '@wabridge/http';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { DATA_SOURCE, GATEWAY_ENV, SECRET_BOX } from '../tokens';
import { kafkaUnavailableTo503 } from './durable';
import { AppRow, dbAad, effectiveNumber, NUMBER_SELECT, NumberRow, RegistryPublisher } from './registry.publisher';
import { TenantsService } from './tenants.service';

export interface CreateNumberInput {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  appId: string;
  accessToken: string;
  businessId?: string;
  graphBaseUrl?: string;
  graphApiVersion?: string;
  mps?: number;
  tier?: MessagingTier;
}

export interface UpdateNumberInput {
  displayPhoneNumber?: string;
  accessToken?: string;
  graphBaseUrl?: string;
  graphApiVersion?: string;
  mps?: number;
  tier?: MessagingTier;
  status?: 'active' | 'paused';
  pausedReason?: string;
  /** WhatsApp Business app and Cloud API on one number (capped at 20 mps by the dispatcher). */
  coexistence?: boolean;
}

/** A phone number as the API shows it: every setting, never the token. */
export interface NumberView {
  id: string;
  tenantId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  appId: string;
  businessId: string;
  graphBaseUrl: string;
  graphApiVersion: string;
  mps: number;
  tier: MessagingTier;
  status: 'active' | 'paused';
  pausedReason?: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
  /** Meta's view (ADR 0163): what the number may do now, whatever was typed in above. */
  meta: {
    qualityRating: string | null;
    nameStatus: string | null;
    messagingTier: MessagingTier;
    throughputMps: number;
    coexistence: boolean;
    maySend: boolean;
    blocked?: { reason: string; until?: string };
  };
}

export function numberView(r: NumberRow, now: number = Date.now()): NumberView {
  const e = effectiveNumber(r, now);
  const v: NumberView = {
    id: r.id, tenantId: r.tenant_id, phoneNumberId: r.phone_number_id, displayPhoneNumber: r.display_phone_number,
    wabaId: r.waba_id, appId: r.app_id, businessId: r.business_id, graphBaseUrl: r.graph_base_url,
    graphApiVersion: r.graph_api_version, mps: r.mps, tier: r.tier, status: r.status, revision: r.revision,
    createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
    meta: {
      qualityRating: r.quality_rating, nameStatus: r.name_status, messagingTier: e.tier, throughputMps: e.mps,
      coexistence: r.coexistence, maySend: e.maySend, ...(e.blocked ? { blocked: e.blocked } : {}),
    },
  };
  if (r.paused_reason) v.pausedReason = r.paused_reason;
  return v;
}

const NUMBER_CACHE_TTL_MS = 5000;

/**
 * Meta apps, WABAs and phone numbers. Every change is written and published in one
 * transaction: the row commits only after Kafka acknowledged the new state (else 503 and
 * nothing changed), so the compacted topics never lag the database by a lost event.
 */
@Injectable()
export class RegistryService {
  private readonly numberCache = new Map<string, { row: NumberRow | null; expiresAt: number }>();

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
    private readonly tenants: TenantsService,
    private readonly publisher: RegistryPublisher,
  ) {}

  /** Creates or replaces a Meta app's credentials (idempotent for start scripts). */
  async upsertApp(appId: string, appSecret: string, verifyToken: string): Promise<{ appId: string }> {
    await this.db.transaction(async (m) => {
      const [row]: AppRow[] = await m.query(
        `INSERT INTO meta_apps (app_id, app_secret, verify_token) VALUES ($1, $2, $3)
         ON CONFLICT (app_id) DO UPDATE SET app_secret = EXCLUDED.app_secret, verify_token = EXCLUDED.verify_token,
           revision = meta_apps.revision + 1, updated_at = now()
         RETURNING *`,
        [appId, this.box.seal(appSecret, dbAad.appSecret(appId)), this.box.seal(verifyToken, dbAad.verifyToken(appId))],
      );
      await this.publisher.publishApp(row!).catch(kafkaUnavailableTo503);
    });
    return { appId };
  }

  async listApps(): Promise<{ appId: string; createdAt: string; updatedAt: string }[]> {
    const rows: (AppRow & { created_at: Date })[] = await this.db.query('SELECT app_id, created_at, updated_at FROM meta_apps ORDER BY app_id');
    return rows.map((r) => ({ appId: r.app_id, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() }));
  }

  /**
   * Registers a number for a tenant (its WABA is registered on first use). Registering the
   * same number again for the same tenant updates it; another tenant's number is a conflict.
   */
  async createNumber(tenantId: string, input: CreateNumberInput): Promise<NumberView> {
    await this.tenants.requireTenant(tenantId);
    const view = await this.db.transaction(async (m) => {
      const apps: unknown[] = await m.query('SELECT 1 FROM meta_apps WHERE app_id = $1', [input.appId]);
      if (apps.length === 0) throw ApiError.badRequest(`appId: Meta app ${input.appId} is not registered (POST /admin/v1/apps first)`);
      await this.ensureWaba(m, tenantId, input.wabaId, input.appId, input.businessId ?? input.wabaId);
      const existing: NumberRow[] = await m.query('SELECT * FROM phone_numbers WHERE phone_number_id = $1 FOR UPDATE', [input.phoneNumberId]);
      if (existing[0] && existing[0].tenant_id !== tenantId) throw ApiError.conflict('phoneNumberId is registered to another tenant');
      const sealed = this.box.seal(input.accessToken, dbAad.accessToken(input.phoneNumberId));
      await m.query(
        `INSERT INTO phone_numbers (id, tenant_id, phone_number_id, display_phone_number, waba_id, app_id, access_token,
           graph_base_url, graph_api_version, mps, tier, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active')
         ON CONFLICT (phone_number_id) DO UPDATE SET display_phone_number = EXCLUDED.display_phone_number,
           waba_id = EXCLUDED.waba_id, app_id = EXCLUDED.app_id, access_token = EXCLUDED.access_token,
           graph_base_url = EXCLUDED.graph_base_url, graph_api_version = EXCLUDED.graph_api_version,
           mps = EXCLUDED.mps, tier = EXCLUDED.tier, status = 'active', paused_reason = NULL,
           revision = phone_numbers.revision + 1, updated_at = now()`,
        [
          ulid(), tenantId, input.phoneNumberId, input.displayPhoneNumber, input.wabaId, input.appId, sealed,
          (input.graphBaseUrl ?? this.env.DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, ''),
          input.graphApiVersion ?? this.env.DEFAULT_GRAPH_API_VERSION, input.mps ?? 80, input.tier ?? '250',
        ],
      );
      return this.publishNumber(m, input.phoneNumberId);
    });
    this.numberCache.delete(input.phoneNumberId);
    return view;
  }

  async updateNumber(tenantId: string, phoneNumberId: string, input: UpdateNumberInput): Promise<NumberView> {
    const view = await this.db.transaction(async (m) => {
      const rows: NumberRow[] = await m.query('SELECT * FROM phone_numbers WHERE tenant_id = $1 AND phone_number_id = $2 FOR UPDATE', [tenantId, phoneNumberId]);
      const row = rows[0];
      if (!row) throw ApiError.notFound('phone number');
      const status = input.status ?? row.status;
      await m.query(
        `UPDATE phone_numbers SET display_phone_number = $3, access_token = $4, graph_base_url = $5, graph_api_version = $6,
           mps = $7, tier = $8, status = $9, paused_reason = $10, coexistence = $11, revision = revision + 1, updated_at = now()
         WHERE tenant_id = $1 AND phone_number_id = $2`,
        [
          tenantId, phoneNumberId, input.displayPhoneNumber ?? row.display_phone_number,
          input.accessToken !== undefined ? this.box.seal(input.accessToken, dbAad.accessToken(phoneNumberId)) : row.access_token,
          (input.graphBaseUrl ?? row.graph_base_url).replace(/\/+$/, ''), input.graphApiVersion ?? row.graph_api_version,
          input.mps ?? row.mps, input.tier ?? row.tier, status,
          status === 'paused' ? (input.pausedReason ?? row.paused_reason ?? 'paused by operator') : null,
          input.coexistence ?? row.coexistence,
        ],
      );
      return this.publishNumber(m, phoneNumberId);
    });
    this.numberCache.delete(phoneNumberId);
    return view;
  }

  async listNumbers(tenantId: string): Promise<NumberView[]> {
    const rows: NumberRow[] = await this.db.query(`${NUMBER_SELECT} WHERE n.tenant_id = $1 ORDER BY n.phone_number_id`, [tenantId]);
    return rows.map(numberView);
  }

  async getNumber(tenantId: string, phoneNumberId: string): Promise<NumberView> {
    const row = await this.findTenantNumber(tenantId, phoneNumberId);
    if (!row) throw ApiError.notFound('phone number');
    return numberView(row);
  }

  /**
   * The tenant's number, or null — also when the number belongs to someone else, so callers
   * answer 404 and never reveal another tenant's number. Cached briefly (hot send path).
   */
  async findTenantNumber(tenantId: string, phoneNumberId: string): Promise<NumberRow | null> {
    const now = Date.now();
    let entry = this.numberCache.get(phoneNumberId);
    if (!entry || entry.expiresAt <= now) {
      const rows: NumberRow[] = await this.db.query(`${NUMBER_SELECT} WHERE n.phone_number_id = $1`, [phoneNumberId]);
      entry = { row: rows[0] ?? null, expiresAt: now + NUMBER_CACHE_TTL_MS };
      if (this.numberCache.size > 10000) this.numberCache.clear();
      this.numberCache.set(phoneNumberId, entry);
    }
    return entry.row && entry.row.tenant_id === tenantId ? entry.row : null;
  }

  /** Drops a number from the short lookup cache (its row changed outside this service). */
  forgetNumber(phoneNumberId: string): void {
    this.numberCache.delete(phoneNumberId);
  }

  /** Opens a number's access token (for Graph calls made by the gateway itself). */
  accessToken(row: NumberRow): string {
    return this.box.open(row.access_token, dbAad.accessToken(row.phone_number_id));
  }

  async findTenantWaba(tenantId: string, wabaId: string): Promise<{ wabaId: string; appId: string } | null> {
    const rows: { waba_id: string; app_id: string }[] = await this.db.query('SELECT waba_id, app_id FROM wabas WHERE tenant_id = $1 AND waba_id = $2', [tenantId, wabaId]);
    return rows[0] ? { wabaId: rows[0].waba_id, appId: rows[0].app_id } : null;
  }

  /** A number of the WABA (its token is used for WABA-level Graph calls such as templates). */
  async numberOfWaba(tenantId: string, wabaId: string): Promise<NumberRow | null> {
    const rows: NumberRow[] = await this.db.query(`${NUMBER_SELECT} WHERE n.tenant_id = $1 AND n.waba_id = $2 ORDER BY n.status, n.created_at LIMIT 1`, [tenantId, wabaId]);
    return rows[0] ?? null;
  }

  private async ensureWaba(m: EntityManager, tenantId: string, wabaId: string, appId: string, businessId: string): Promise<void> {
    await m.query(
      `INSERT INTO wabas (waba_id, tenant_id, app_id, business_id) VALUES ($1, $2, $3, $4) ON CONFLICT (waba_id) DO NOTHING`,
      [wabaId, tenantId, appId, businessId],
    );
    const rows: { tenant_id: string }[] = await m.query('SELECT tenant_id FROM wabas WHERE waba_id = $1', [wabaId]);
    if (rows[0]?.tenant_id !== tenantId) throw ApiError.conflict('wabaId is registered to another tenant');
  }

  private async publishNumber(m: EntityManager, phoneNumberId: string): Promise<NumberView> {
    const rows: NumberRow[] = await m.query(`${NUMBER_SELECT} WHERE n.phone_number_id = $1`, [phoneNumberId]);
    const row = rows[0]!;
    await this.publisher.publishNumber(row).catch(kafkaUnavailableTo503);
    return numberView(row);
  }
}
