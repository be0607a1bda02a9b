import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@wabridge/config';
import { ApiError } from '@wabridge/http';
import { untraced } from '@wabridge/telemetry';
import { kafkaUnavailableTo503 } from '../accounts/durable';
import { dbAad, RegistryPublisher } from '../accounts/registry.publisher';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { GraphClient, GraphTarget } from '../graph/graph.client';
import { GATEWAY_ENV, SECRET_BOX } from '../tokens';
import { OnboardingRepository } from './onboarding.repository';
import { RegistrationStatus } from './registration-state';
import { signupError } from './registration-errors';

export interface SignupNumberView {
  phoneNumberId: string;
  displayPhoneNumber: string;
  verifiedName?: string;
  registrationStatus: RegistrationStatus;
  status: 'active' | 'paused';
}

export interface SignupResult {
  appId: string;
  wabas: { wabaId: string; subscribed: boolean; phoneNumbers: SignupNumberView[] }[];
}

interface GraphPhoneNumber {
  id?: unknown;
  display_phone_number?: unknown;
  verified_name?: unknown;
  status?: unknown;
}

/** At most this many WABAs and numbers per WABA are taken from one signup (bounded work per request). */
const MAX_WABAS = 20;
const MAX_NUMBERS_PER_WABA = 100;
const WABA_SCOPES = new Set(['whatsapp_business_management', 'whatsapp_business_messaging']);

/** AAD of a signup's sealed business token (also what `reseal` opens it with). */
export const signupAad = (id: string): string => `gateway.embedded_signups:${id}:business_token`;

/**
 * Embedded signup (ADR 0168): the code from Meta's dialog is exchanged with the Meta app's id
 * and secret for a business token; `debug_token` names the WABAs shared with us; their numbers
 * are listed, our app subscribes to each WABA's webhooks, and the numbers join the tenant's
 * registry (`pending`, paused, until registered). The business token is sealed at rest (per
 * number, and with the signup) and is never logged or returned. A retried exchange of the same
 * code answers the first result; another tenant's WABA or number is a 409 before anything changes.
 */
@Injectable()
export class EmbeddedSignupService {
  constructor(
    private readonly repo: OnboardingRepository,
    private readonly graph: GraphClient,
    private readonly publisher: RegistryPublisher,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
  ) {}

  async exchange(tenantId: string, code: string, requestedAppId?: string): Promise<SignupResult> {
    const app = await this.resolveApp(requestedAppId);
    const codeHash = createHash('sha256').update(`${app.appId}\u0000${code}`).digest();
    const earlier = await this.repo.findSignup(codeHash);
    if (earlier) {
      if (earlier.tenant_id !== tenantId) throw ApiError.conflict('this signup code was already used by another tenant');
      return earlier.result as SignupResult;
    }
    const base = { baseUrl: this.env.DEFAULT_GRAPH_BASE_URL.replace(/\/+$/, ''), version: this.env.DEFAULT_GRAPH_API_VERSION };
    // Untraced: the URL carries the app secret and the code, and HTTP client spans record URLs.
    const exchanged = (await untraced(() => this.graph
      .request({ ...base, token: null }, 'GET', 'oauth/access_token', undefined, { client_id: app.appId, client_secret: app.secret, code }))
      .catch(signupError)) as { access_token?: unknown };
    if (typeof exchanged.access_token !== 'string' || exchanged.access_token === '') throw new ApiError(502, 'upstream_error', 'Meta answered the code exchange without an access token');
    const token = exchanged.access_token;
    const business: GraphTarget = { ...base, token };

    const wabaIds = await this.sharedWabas({ ...base, token: `${app.appId}|${app.secret}` }, token);
    const found: { wabaId: string; numbers: GraphPhoneNumber[] }[] = [];
    for (const wabaId of wabaIds) {
      const listed = (await this.graph
        .request(business, 'GET', `${wabaId}/phone_numbers`, undefined, { fields: 'id,display_phone_number,verified_name,code_verification_status,status', limit: String(MAX_NUMBERS_PER_WABA) })
        .catch(signupError)) as { data?: GraphPhoneNumber[] };
      found.push({ wabaId, numbers: (Array.isArray(listed.data) ? listed.data : []).filter((n) => typeof n.id === 'string' && /^\d{1,32}$/.test(n.id)).slice(0, MAX_NUMBERS_PER_WABA) });
    }
    const numberIds = found.flatMap((w) => w.numbers.map((n) => n.id as string));
    const foreign = await this.repo.foreignOwners(tenantId, wabaIds, numberIds);
    if (foreign.wabaIds.length > 0 || foreign.phoneNumberIds.length > 0) throw ApiError.conflict('a shared WABA or phone number is registered to another tenant', foreign);

    for (const w of found) await this.graph.request(business, 'POST', `${w.wabaId}/subscribed_apps`).catch(signupError);

    const result: SignupResult = { appId: app.appId, wabas: [] };
    await this.repo.transaction(async (m) => {
      for (const w of found) {
        if (!(await this.repo.ensureWaba(m, tenantId, w.wabaId, app.appId))) throw ApiError.conflict('a shared WABA is registered to another tenant', { wabaIds: [w.wabaId] });
        const views: SignupNumberView[] = [];
        for (const n of w.numbers) {
          const phoneNumberId = n.id as string;
          const discovered = {
            phoneNumberId, wabaId: w.wabaId, registered: n.status === 'CONNECTED',
            displayPhoneNumber: typeof n.display_phone_number === 'string' ? n.display_phone_number.slice(0, 32) : phoneNumberId,
          };
          const owned = await this.repo.upsertDiscovered(m, tenantId, discovered, app.appId, (id) => this.box.seal(token, dbAad.accessToken(id)), base);
          if (!owned) throw ApiError.conflict('a shared phone number is registered to another tenant', { phoneNumberIds: [phoneNumberId] });
          const row = await this.repo.numberIn(m, phoneNumberId);
          await this.publisher.publishNumber(row).catch(kafkaUnavailableTo503);
          const view: SignupNumberView = { phoneNumberId, displayPhoneNumber: row.display_phone_number, registrationStatus: row.registration_status, status: row.status };
          if (typeof n.verified_name === 'string') view.verifiedName = n.verified_name.slice(0, 200);
          views.push(view);
        }
        result.wabas.push({ wabaId: w.wabaId, subscribed: true, phoneNumbers: views });
      }
      await this.repo.insertSignup(m, tenantId, app.appId, codeHash, (id) => this.box.seal(token, signupAad(id)), wabaIds, result);
    });
    return result;
  }

  private async resolveApp(appId: string | undefined): Promise<{ appId: string; secret: string }> {
    let id = appId;
    if (id === undefined) {
      const ids = await this.repo.appIds(2);
      if (ids.length !== 1) throw ApiError.badRequest('appId: name the Meta app whose embedded-signup dialog produced the code');
      id = ids[0]!;
    }
    const row = await this.repo.findApp(id);
    if (!row) throw ApiError.badRequest(`appId: Meta app ${id} is not registered`);
    return { appId: row.app_id, secret: this.box.open(row.app_secret, dbAad.appSecret(row.app_id)) };
  }

  /** The WABA ids the business token may manage (`granular_scopes` of `debug_token`). */
  private async sharedWabas(appTarget: GraphTarget, token: string): Promise<string[]> {
    // Untraced: `input_token` in the URL is the business token.
    const debug = (await untraced(() => this.graph.request(appTarget, 'GET', 'debug_token', undefined, { input_token: token })).catch(signupError)) as {
      data?: { is_valid?: unknown; granular_scopes?: { scope?: unknown; target_ids?: unknown }[] };
    };
    if (debug.data?.is_valid !== true) throw new ApiError(502, 'upstream_error', 'Meta reports the exchanged business token as invalid');
    const ids = new Set<string>();
    for (const s of debug.data.granular_scopes ?? []) {
      if (typeof s.scope !== 'string' || !WABA_SCOPES.has(s.scope) || !Array.isArray(s.target_ids)) continue;
      for (const t of s.target_ids) if (typeof t === 'string' && /^\d{1,32}$/.test(t)) ids.add(t);
    }
    if (ids.size === 0) throw new ApiError(400, 'no_waba_shared', 'the business shared no WhatsApp Business Account with the app during signup');
    return [...ids].slice(0, MAX_WABAS);
  }
}
