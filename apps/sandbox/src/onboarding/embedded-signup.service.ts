import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { BoundedMap } from '../common/bounded-map';
import { ControlError } from '../common/control-error';
import { GraphError } from '../common/graph-error';
import { bearerToken, checkVersion, invalidToken, unknownObject } from '../common/graph-errors';
import { CLOCK } from '../config/sandbox-settings';
import { NumbersService } from '../control/numbers.service';
import { RegisterNumberDto } from '../control/dto/register-number.dto';
import { NumberRegistry } from '../numbers/number-registry';
import { EmbeddedSignupDto, SandboxAppDto } from './embedded-signup.dto';
import { PhoneNumberNode } from './phone-number-node';
import { RegistrationBook } from './registration-book';

interface SandboxApp {
  appId: string;
  appSecret: string;
  callbackUrl: string;
}

interface PendingSignup {
  appId: string;
  wabaId: string;
  numbers: { phoneNumberId: string; displayPhoneNumber: string; verifiedName?: string }[];
  expiresAt: number;
}

interface BusinessToken {
  appId: string;
  wabaIds: string[];
  userId: string;
  issuedAt: number;
}

/** Meta's authorization codes from the embedded-signup dialog are short-lived and single-use. */
export const SIGNUP_CODE_TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Embedded signup as Meta runs it for a Tech Provider: a business finishes the dialog (here the
 * control `POST /_sandbox/embedded-signup`) and the page gets a code; the provider exchanges it
 * at `GET /oauth/access_token` for a business token, reads the shared WABA ids from
 * `GET /debug_token` (`granular_scopes`), lists `/{waba-id}/phone_numbers` and subscribes its
 * app with `/{waba-id}/subscribed_apps` — only then do the WABA's webhooks reach the app's
 * callback URL. The shared numbers exist from the exchange on, unregistered.
 */
@Injectable()
export class EmbeddedSignupService {
  private readonly apps = new BoundedMap<string, SandboxApp>(MAX_ENTRIES);
  private readonly codes = new BoundedMap<string, PendingSignup>(MAX_ENTRIES);
  private readonly tokens = new BoundedMap<string, BusinessToken>(MAX_ENTRIES);
  private readonly tokenByWaba = new BoundedMap<string, string>(MAX_ENTRIES);
  /** WABA id → app ids subscribed to it. */
  private readonly subscriptions = new BoundedMap<string, Set<string>>(MAX_ENTRIES);

  constructor(
    private readonly numbers: NumberRegistry,
    private readonly numbersService: NumbersService,
    private readonly registration: RegistrationBook,
    private readonly node: PhoneNumberNode,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  upsertApp(dto: SandboxAppDto): { appId: string; callbackUrl: string } {
    this.apps.set(dto.appId, { appId: dto.appId, appSecret: dto.appSecret, callbackUrl: dto.callbackUrl });
    return { appId: dto.appId, callbackUrl: dto.callbackUrl };
  }

  createSignup(dto: EmbeddedSignupDto): { code: string; expiresAt: string } {
    if (!this.apps.has(dto.appId)) throw new ControlError(404, 'not_found', `app ${dto.appId} is unknown: POST /_sandbox/apps first`);
    for (const n of dto.numbers) {
      const existing = this.numbers.get(n.phoneNumberId);
      if (existing && existing.wabaId !== dto.wabaId) throw new ControlError(409, 'conflict', `number ${n.phoneNumberId} belongs to WABA ${existing.wabaId}`);
    }
    const code = `AQ${randomBytes(24).toString('base64url')}`;
    const expiresAt = this.clock.now() + SIGNUP_CODE_TTL_MS;
    this.codes.set(code, { appId: dto.appId, wabaId: dto.wabaId, numbers: dto.numbers.map((n) => ({ ...n })), expiresAt });
    return { code, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** `GET /{version}/oauth/access_token?client_id=&client_secret=&code=`. */
  exchange(version: string, query: Record<string, string | undefined>): { access_token: string; token_type: string } {
    checkVersion(version);
    const { client_id: clientId, client_secret: clientSecret, code } = query;
    if (!clientId) throw new GraphError(100, { message: 'Missing client_id parameter.', details: 'The parameter client_id is required.' });
    const app = this.apps.get(clientId);
    if (!app) throw new GraphError(101, { httpStatus: 400, message: 'Error validating application. Invalid application ID.', details: 'The client_id is not a known app.' });
    if (clientSecret !== app.appSecret) throw new GraphError(1, { httpStatus: 400, message: 'Error validating client secret.', details: 'The client_secret does not match the app.' });
    if (!code) throw new GraphError(100, { message: 'Missing authorization code.', details: 'The parameter code is required.' });
    const signup = this.codes.get(code);
    if (!signup || signup.appId !== clientId) throw new GraphError(100, { subcode: 36009, message: 'Invalid verification code format.', details: 'The code is unknown, was already used or belongs to another app.' });
    this.codes.delete(code);
    if (this.clock.now() >= signup.expiresAt) throw new GraphError(100, { subcode: 36007, message: 'This authorization code has expired.', details: 'Codes from embedded signup are valid for 10 minutes.' });
    // One business token per app and WABA: a second signup of the same WABA gets the same token,
    // so the one a provider stored earlier keeps working (a sandbox number holds one token).
    const token = this.tokenOf(clientId, signup.wabaId) ?? `EAAB${randomBytes(32).toString('base64url')}`;
    this.tokenByWaba.set(`${clientId}\u0000${signup.wabaId}`, token);
    this.tokens.set(token, { appId: clientId, wabaIds: [signup.wabaId], userId: String(100000000000000 + randomBytes(5).readUIntBE(0, 5)), issuedAt: this.clock.now() });
    for (const n of signup.numbers) {
      const dto = Object.assign(new RegisterNumberDto(), {
        phoneNumberId: n.phoneNumberId, displayPhoneNumber: n.displayPhoneNumber, wabaId: signup.wabaId, accessToken: token,
        appSecret: app.appSecret,
        // Webhooks flow once the app subscribes to the WABA; until then there is nowhere to post.
        callbackUrl: this.subscriptions.get(signup.wabaId)?.has(clientId) ? app.callbackUrl : '',
      });
      const previous = this.numbers.get(n.phoneNumberId);
      if (previous === undefined) this.registration.discovered(n.phoneNumberId);
      this.numbersService.register(dto);
      if (n.verifiedName !== undefined) this.node.setVerifiedName(n.phoneNumberId, n.verifiedName);
    }
    return { access_token: token, token_type: 'bearer' };
  }

  /** `GET /{version}/debug_token?input_token=`: what the token may reach (the shared WABAs). */
  debugToken(version: string, inputToken: string | undefined): { data: Record<string, unknown> } {
    checkVersion(version);
    if (!inputToken) throw new GraphError(100, { message: 'The parameter input_token is required', details: 'The parameter input_token is required.' });
    const t = this.tokens.get(inputToken);
    if (!t) return { data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' }, scopes: [] } };
    return {
      data: {
        app_id: t.appId,
        type: 'SYSTEM_USER',
        application: t.appId,
        data_access_expires_at: 0,
        expires_at: 0,
        is_valid: true,
        issued_at: Math.floor(t.issuedAt / 1000),
        scopes: ['whatsapp_business_management', 'whatsapp_business_messaging'],
        granular_scopes: [
          { scope: 'whatsapp_business_management', target_ids: t.wabaIds },
          { scope: 'whatsapp_business_messaging', target_ids: t.wabaIds },
        ],
        user_id: t.userId,
      },
    };
  }

  /** `GET /{version}/{waba-id}/phone_numbers`. */
  phoneNumbers(version: string, wabaId: string, authorization: string | undefined): { data: Record<string, unknown>[]; paging: { cursors: { before: string; after: string } } } {
    this.authorizeWaba(version, wabaId, authorization, 'get');
    const data = this.numbers.inWaba(wabaId).map((n) => this.node.listEntry(n));
    return { data, paging: { cursors: { before: 'MAZDZD', after: 'MAZDZD' } } };
  }

  /** `POST /{version}/{waba-id}/subscribed_apps`: the token's app receives the WABA's webhooks from now on. */
  subscribe(version: string, wabaId: string, authorization: string | undefined): { success: true } {
    const app = this.appOfToken(this.authorizeWaba(version, wabaId, authorization, 'post'));
    if (app) {
      const set = this.subscriptions.get(wabaId) ?? new Set<string>();
      set.add(app.appId);
      this.subscriptions.set(wabaId, set);
      this.routeWaba(wabaId, app.callbackUrl);
    }
    return { success: true };
  }

  listSubscriptions(version: string, wabaId: string, authorization: string | undefined): { data: { whatsapp_business_api_data: { id: string; name: string; link: string } }[] } {
    this.authorizeWaba(version, wabaId, authorization, 'get');
    const ids = [...(this.subscriptions.get(wabaId) ?? [])];
    return { data: ids.map((id) => ({ whatsapp_business_api_data: { id, name: id, link: `https://www.facebook.com/games/?app_id=${id}` } })) };
  }

  unsubscribe(version: string, wabaId: string, authorization: string | undefined): { success: true } {
    const app = this.appOfToken(this.authorizeWaba(version, wabaId, authorization, 'delete'));
    if (app && this.subscriptions.get(wabaId)?.delete(app.appId)) this.routeWaba(wabaId, '');
    return { success: true };
  }

  private tokenOf(appId: string, wabaId: string): string | undefined {
    const token = this.tokenByWaba.get(`${appId}\u0000${wabaId}`);
    return token !== undefined && this.tokens.has(token) ? token : undefined;
  }

  private routeWaba(wabaId: string, callbackUrl: string): void {
    for (const n of this.numbers.inWaba(wabaId)) n.callbackUrl = callbackUrl;
  }

  private appOfToken(token: string): SandboxApp | undefined {
    const t = this.tokens.get(token);
    return t ? this.apps.get(t.appId) : undefined;
  }

  private authorizeWaba(version: string, wabaId: string, authorization: string | undefined, method: 'get' | 'post' | 'delete'): string {
    checkVersion(version);
    const token = bearerToken(authorization);
    if (token === undefined) throw invalidToken();
    if (this.numbers.inWaba(wabaId).length === 0) {
      if (!this.tokens.has(token) && !this.numbers.list().some((n) => n.accessToken === token)) throw invalidToken();
      throw unknownObject(wabaId, method);
    }
    const business = this.tokens.get(token);
    if (business ? !business.wabaIds.includes(wabaId) : !this.numbers.wabaTokenValid(wabaId, token)) throw invalidToken();
    return token;
  }
}
