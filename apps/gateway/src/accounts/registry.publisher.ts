import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { accessTokenAad, SecretBox } from '@wabridge/config';
import { APP_CHANGED_V1, AppChangedV1, MessagingTier, NUMBER_CHANGED_V1, NumberChangedV1 } from '@wabridge/contracts';
import { contractEvent, EventProducer } from '@wabridge/kafka';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { effectiveMps, sendPermission } from '@wabridge/meta';
import { Clock } from '../auth/rate-limiter';
import { CLOCK, GATEWAY_ENV, SECRET_BOX } from '../tokens';
import { AppRow, NumberRow, RegistryRepository } from './registry.repository';

export type { AppRow, NumberRow } from './registry.repository';

/**
 * The number as Meta lets it work now: Meta's tier and throughput win over the operator's
 * typed-in values once known, coexistence caps the rate at 20 mps, and a WABA that may not
 * send pauses the number (the dispatcher holds its queue as for any paused number).
 */
export function effectiveNumber(row: NumberRow, now: number): {
  mps: number; tier: MessagingTier; status: 'active' | 'paused'; pausedReason?: string; maySend: boolean; blocked?: { reason: string; until?: string };
} {
  const permission = sendPermission({ reviewStatus: row.review_status, banState: row.ban_state, restrictions: row.restrictions, restrictedUntil: row.restricted_until }, now);
  const mps = effectiveMps(row.throughput_mps ?? row.mps, row.coexistence);
  const tier = row.messaging_tier ?? row.tier;
  if (!permission.maySend) {
    const blocked = { reason: permission.reason, ...(permission.until ? { until: permission.until } : {}) };
    const pausedReason = `meta: ${permission.reason}${permission.until ? ` until ${permission.until}` : ''}`;
    return { mps, tier, status: 'paused', pausedReason: row.status === 'paused' && row.paused_reason ? `${row.paused_reason}; ${pausedReason}` : pausedReason, maySend: false, blocked };
  }
  return { mps, tier, status: row.status, ...(row.paused_reason ? { pausedReason: row.paused_reason } : {}), maySend: true };
}

/** AAD of a secret column: binds the ciphertext to its table, row and column. */
export const dbAad = {
  appSecret: (appId: string) => `gateway.meta_apps:${appId}:app_secret`,
  verifyToken: (appId: string) => `gateway.meta_apps:${appId}:verify_token`,
  accessToken: (phoneNumberId: string) => `gateway.phone_numbers:${phoneNumberId}:access_token`,
};

/**
 * AAD consumers of the compacted registry topics use to open secrets. A number's access token
 * is bound to the number, its Graph base URL and the config revision (ADR 0072), so a replayed
 * or edited event cannot send the token to another host.
 */
export const eventAad = {
  number: (row: { phone_number_id: string; graph_base_url: string; revision: number }) =>
    accessTokenAad({ phoneNumberId: row.phone_number_id, graphBaseUrl: row.graph_base_url, revision: row.revision }),
  app: (appId: string) => `app:${appId}`,
};

/**
 * Publishes app and number configuration as full-state events on compacted topics (key = app
 * id / phone number id), secrets re-sealed for the consumer (AAD `app:<id>` / accessTokenAad).
 * At boot it republishes everything, so a compacted topic that lost data (or a new cluster)
 * converges on the database — and tokens sealed under an older AAD scheme are re-sealed.
 */
@Injectable()
export class RegistryPublisher implements OnApplicationBootstrap {
  private readonly log = new Logger(RegistryPublisher.name);

  constructor(
    private readonly registry: RegistryRepository,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
    private readonly producer: EventProducer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.env.REPUBLISH_REGISTRY_AT_BOOT) return;
    const count = await this.republishAll().catch((err: Error) => {
      this.log.warn(`could not republish the registry at boot: ${err.message}`);
      return 0;
    });
    if (count > 0) this.log.log(`republished ${count} app/number configurations`);
  }

  /** Republishes every app and number; a row that cannot be published is logged and skipped. */
  async republishAll(): Promise<number> {
    const apps = await this.registry.allApps();
    const numbers = await this.registry.allNumbers();
    const results = await Promise.allSettled([
      ...apps.map((a) => this.publishApp(a).catch((err: Error) => { throw new Error(`app ${a.app_id}: ${err.message}`); })),
      ...numbers.map((n) => this.publishNumber(n).catch((err: Error) => { throw new Error(`number ${n.phone_number_id}: ${err.message}`); })),
    ]);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    // e.g. a secret sealed under a key no longer in ENCRYPTION_KEYS: the others still go out.
    for (const f of failed.slice(0, 20)) this.log.warn(`not republished: ${(f.reason as Error).message}`);
    return results.length - failed.length;
  }

  appEvent(row: AppRow): AppChangedV1 {
    return {
      appId: row.app_id,
      appSecret: this.box.seal(this.box.open(row.app_secret, dbAad.appSecret(row.app_id)), eventAad.app(row.app_id)),
      verifyToken: this.box.seal(this.box.open(row.verify_token, dbAad.verifyToken(row.app_id)), eventAad.app(row.app_id)),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  numberEvent(row: NumberRow): NumberChangedV1 {
    const effective = effectiveNumber(row, this.clock.now());
    const event: NumberChangedV1 = {
      phoneNumberId: row.phone_number_id,
      tenantId: row.tenant_id,
      displayPhoneNumber: row.display_phone_number,
      wabaId: row.waba_id,
      appId: row.app_id,
      businessId: row.business_id,
      status: effective.status,
      mps: effective.mps,
      tier: effective.tier,
      graphBaseUrl: row.graph_base_url,
      graphApiVersion: row.graph_api_version,
      accessToken: this.box.seal(this.box.open(row.access_token, dbAad.accessToken(row.phone_number_id)), eventAad.number(row)),
      revision: row.revision,
      updatedAt: new Date(row.updated_at).toISOString(),
      coexistence: row.coexistence,
      maySend: effective.maySend,
    };
    if (effective.pausedReason) event.pausedReason = effective.pausedReason;
    if (row.quality_rating) event.qualityRating = row.quality_rating;
    if (row.name_status) event.nameStatus = row.name_status;
    return event;
  }

  publishApp(row: AppRow): Promise<void> {
    return this.producer.send(contractEvent(APP_CHANGED_V1, row.app_id, this.appEvent(row)));
  }

  publishNumber(row: NumberRow): Promise<void> {
    return this.producer.send(contractEvent(NUMBER_CHANGED_V1, row.phone_number_id, this.numberEvent(row), { tenantId: row.tenant_id }));
  }
}
