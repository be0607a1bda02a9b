import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@wabridge/config';
import { MessagingTier } from '@wabridge/contracts';
import { Queryable } from '@wabridge/database';
import { ApiError } from '@wabridge/http';
import { ReadThroughCache } from '@wabridge/time';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { GATEWAY_ENV, SECRET_BOX } from '../tokens';
import { kafkaUnavailableTo503 } from './durable';
import { dbAad, effectiveNumber, RegistryPublisher } from './registry.publisher';
import { NumberRow, RegistryRepository } from './registry.repository';
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
  /** One read per number at a time, refreshed ahead of expiry while in use (ADR 0218). */
  private readonly numberCache = new ReadThroughCache<string, NumberRow | null>({ ttlMs: NUMBER_CACHE_TTL_MS });

  constructor(
    private readonly repo: RegistryRepository,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
    private readonly tenants: TenantsService,
    private readonly publisher: RegistryPublisher,
  ) {}

  /** Creates or replaces a Meta app's credentials (idempotent for start scripts). */
  async upsertApp(appId: string, appSecret: string, verifyToken: string): Promise<{ appId: string }> {
    await this.repo.transaction(async (m) => {
      const row = await this.repo.upsertApp(m, appId, this.box.seal(appSecret, dbAad.appSecret(appId)), this.box.seal(verifyToken, dbAad.verifyToken(appId)));
      await this.publisher.publishApp(row).catch(kafkaUnavailableTo503);
    });
    return { appId };
  }

  async listApps(): Promise<{ appId: string; createdAt: string; updatedAt: string }[]> {
    const rows = await this.repo.listApps();
    return rows.map((r) => ({ appId: r.app_id, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() }));
  }

  /**
   * Registers a number for a tenant (its WABA is registered on first use). Registering the
   * same number again for the same tenant updates it; another tenant's number is a conflict.
   */
  async createNumber(tenantId: string, input: CreateNumberInput): Promise<NumberView> {
    await this.tenants.requireTenant(tenantId);
    const view = await this.repo.transaction(async (m) => {
      if (!(await this.repo.appExists(m, input.appId))) throw ApiError.badRequest(`appId: Meta app ${input.appId} is not registered (POST /admin/v1/apps first)`);
      const holder = await this.repo.ensureWaba(m, tenantId, input.wabaId, input.appId, input.businessId ?? input.wabaId);
      if (holder !== tenantId) throw ApiError.conflict('wabaId is registered to another tenant');
      const existing = await this.repo.lockNumber(m, input.phoneNumberId);
      if (existing && existing.tenant_id !== tenantId) throw ApiError.conflict('phoneNumberId is registered to another tenant');
      await this.repo.upsertNumber(m, {
        tenantId, phoneNumberId: input.phoneNumberId, displayPhoneNumber: input.displayPhoneNumber, wabaId: input.wabaId, appId: input.appId,
        accessToken: this.box.seal(input.accessToken, dbAad.accessToken(input.phoneNumberId)),
        graphBaseUrl: (input.graphBaseUrl ?? this.env.DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, ''),
        graphApiVersion: input.graphApiVersion ?? this.env.DEFAULT_GRAPH_API_VERSION, mps: input.mps ?? 80, tier: input.tier ?? '250',
      });
      return this.publishNumber(m, input.phoneNumberId);
    });
    this.numberCache.invalidate(input.phoneNumberId);
    return view;
  }

  async updateNumber(tenantId: string, phoneNumberId: string, input: UpdateNumberInput): Promise<NumberView> {
    const view = await this.repo.transaction(async (m) => {
      const row = await this.repo.lockTenantNumber(m, tenantId, phoneNumberId);
      if (!row) throw ApiError.notFound('phone number');
      const status = input.status ?? row.status;
      await this.repo.updateNumber(m, tenantId, phoneNumberId, {
        displayPhoneNumber: input.displayPhoneNumber ?? row.display_phone_number,
        accessToken: input.accessToken !== undefined ? this.box.seal(input.accessToken, dbAad.accessToken(phoneNumberId)) : row.access_token,
        graphBaseUrl: (input.graphBaseUrl ?? row.graph_base_url).replace(/\/+$/, ''), graphApiVersion: input.graphApiVersion ?? row.graph_api_version,
        mps: input.mps ?? row.mps, tier: input.tier ?? row.tier, status,
        pausedReason: status === 'paused' ? (input.pausedReason ?? row.paused_reason ?? 'paused by operator') : null,
        coexistence: input.coexistence ?? row.coexistence,
      });
      return this.publishNumber(m, phoneNumberId);
    });
    this.numberCache.invalidate(phoneNumberId);
    return view;
  }

  async listNumbers(tenantId: string): Promise<NumberView[]> {
    const rows = await this.repo.tenantNumbers(tenantId);
    return rows.map((r) => numberView(r));
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
    const row = await this.numberCache.get(phoneNumberId, () => this.repo.findNumber(phoneNumberId));
    return row && row.tenant_id === tenantId ? row : null;
  }

  /** Drops a number from the short lookup cache (its row changed outside this service). */
  forgetNumber(phoneNumberId: string): void {
    this.numberCache.invalidate(phoneNumberId);
  }

  /** Opens a number's access token (for Graph calls made by the gateway itself). */
  accessToken(row: NumberRow): string {
    return this.box.open(row.access_token, dbAad.accessToken(row.phone_number_id));
  }

  async findTenantWaba(tenantId: string, wabaId: string): Promise<{ wabaId: string; appId: string } | null> {
    const row = await this.repo.findTenantWaba(tenantId, wabaId);
    return row ? { wabaId: row.waba_id, appId: row.app_id } : null;
  }

  /** A number of the WABA (its token is used for WABA-level Graph calls such as templates). */
  numberOfWaba(tenantId: string, wabaId: string): Promise<NumberRow | null> {
    return this.repo.firstNumberOfWaba(tenantId, wabaId);
  }

  private async publishNumber(m: Queryable, phoneNumberId: string): Promise<NumberView> {
    const row = (await this.repo.findNumber(phoneNumberId, m))!;
    await this.publisher.publishNumber(row).catch(kafkaUnavailableTo503);
    return numberView(row);
  }
}
