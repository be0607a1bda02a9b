import { Injectable } from '@nestjs/common';
import { AccountStateStore } from '../account/account-state.store';
import { GraphError } from '../common/graph-error';
import { bearerToken, checkVersion, invalidToken, unknownObject } from '../common/graph-errors';
import { NumberRegistry, SandboxNumber } from '../numbers/number-registry';
import { tierName } from '../rules/messaging-limit';
import { RegistrationBook } from './registration-book';

const DEFAULT_FIELDS = ['verified_name', 'code_verification_status', 'display_phone_number', 'quality_rating', 'platform_type', 'throughput', 'id'];

/**
 * `GET /{version}/{phone-number-id}?fields=…`: the phone number node as Meta shows it — the
 * registration fields (`status`, `code_verification_status`, `platform_type`, `is_pin_enabled`)
 * from the registration book, the rest from the simulated number. Unknown fields answer
 * Meta's code 100.
 */
@Injectable()
export class PhoneNumberNode {
  private readonly verifiedNames = new Map<string, string>();

  constructor(private readonly numbers: NumberRegistry, private readonly registration: RegistrationBook, private readonly account: AccountStateStore) {}

  has(id: string): boolean {
    return this.numbers.get(id) !== undefined;
  }

  setVerifiedName(phoneNumberId: string, name: string): void {
    this.verifiedNames.set(phoneNumberId, name);
  }

  read(version: string, phoneNumberId: string, authorization: string | undefined, fields: string | undefined): Record<string, unknown> {
    checkVersion(version);
    const number = this.numbers.get(phoneNumberId);
    if (!number) throw unknownObject(phoneNumberId, 'get');
    if (bearerToken(authorization) !== number.accessToken) throw invalidToken();
    const all = this.node(number);
    const wanted = fields === undefined || fields.trim() === '' ? DEFAULT_FIELDS : fields.split(',').map((f) => f.trim()).filter((f) => f !== '');
    const out: Record<string, unknown> = {};
    for (const f of wanted.slice(0, 50)) {
      if (!(f in all)) throw new GraphError(100, { message: `(#100) Tried accessing nonexisting field (${f.slice(0, 60)}) on node type (WhatsAppBusinessPhoneNumber)` });
      out[f] = all[f];
    }
    out.id = number.phoneNumberId;
    return out;
  }

  /** The fields `GET /{waba-id}/phone_numbers` lists per number. */
  listEntry(number: SandboxNumber): Record<string, unknown> {
    const all = this.node(number);
    const out: Record<string, unknown> = {};
    for (const f of ['verified_name', 'code_verification_status', 'display_phone_number', 'quality_rating', 'platform_type', 'status', 'id']) out[f] = all[f];
    return out;
  }

  private node(n: SandboxNumber): Record<string, unknown> {
    const r = this.registration.state(n.phoneNumberId);
    // quality, name and coexistence as the /_sandbox/numbers/:id/* account controls set them
    const a = this.account.number(n.phoneNumberId);
    return {
      id: n.phoneNumberId,
      display_phone_number: n.displayPhoneNumber,
      verified_name: this.verifiedNames.get(n.phoneNumberId) ?? 'Sandbox Business',
      code_verification_status: r.codeVerificationStatus,
      status: r.registered ? 'CONNECTED' : 'PENDING',
      name_status: a.nameStatus,
      quality_rating: a.qualityRating,
      is_on_biz_app: a.coexistence,
      platform_type: r.registered ? 'CLOUD_API' : 'NOT_APPLICABLE',
      is_pin_enabled: r.pin !== null,
      messaging_limit_tier: tierName(n.tierLimit),
      throughput: { level: (a.grantedMps ?? n.mps) >= 1000 ? 'HIGH' : 'STANDARD' },
    };
  }
}
