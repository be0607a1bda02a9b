import { BoundedMap } from '../common/bounded-map';

/** What Meta decided about one simulated number, beyond what NumberRegistry holds (mps, tier). */
export interface NumberAccountState {
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN' | 'NA';
  nameStatus: string;
  /** Business app and Cloud API on one number: Meta caps it at 20 mps. */
  coexistence: boolean;
  /** The throughput Meta granted (80, or 1000 after the upgrade) before the coexistence cap. */
  grantedMps: number | null;
}

/** What Meta decided about one simulated WABA. */
export interface WabaAccountState {
  reviewStatus: 'APPROVED' | 'PENDING' | 'REJECTED' | 'DEFERRED';
  businessVerificationStatus: string;
  banState: string | null;
  restrictions: { type: string; expiresAt: number }[];
}

const NUMBER_DEFAULT: NumberAccountState = { qualityRating: 'GREEN', nameStatus: 'APPROVED', coexistence: false, grantedMps: null };
const WABA_DEFAULT: WabaAccountState = { reviewStatus: 'APPROVED', businessVerificationStatus: 'VERIFIED', banState: null, restrictions: [] };

/**
 * The sandbox's copy of Meta's account state (issue 18): read by the Graph nodes
 * (`GET /{phone-number-id}`, `GET /{waba-id}`) and changed by `/_sandbox/numbers/:id/*`
 * controls, which also send the matching webhook. Defaults are a healthy, verified account.
 */
export class AccountStateStore {
  private readonly numbers: BoundedMap<string, NumberAccountState>;
  private readonly wabas: BoundedMap<string, WabaAccountState>;

  constructor(max: number) {
    this.numbers = new BoundedMap(max);
    this.wabas = new BoundedMap(max);
  }

  number(phoneNumberId: string): NumberAccountState {
    return this.numbers.get(phoneNumberId) ?? { ...NUMBER_DEFAULT };
  }

  updateNumber(phoneNumberId: string, change: Partial<NumberAccountState>): NumberAccountState {
    const next = { ...this.number(phoneNumberId), ...change };
    this.numbers.set(phoneNumberId, next);
    return next;
  }

  hasWaba(wabaId: string): boolean {
    return this.wabas.has(wabaId);
  }

  waba(wabaId: string): WabaAccountState {
    return this.wabas.get(wabaId) ?? { ...WABA_DEFAULT, restrictions: [] };
  }

  /**
   * Why Meta refuses the WABA's sends now, as its error: 131031 (account locked) while disabled or
   * its review is rejected, 368 (temporarily blocked) while a messaging restriction lasts.
   */
  sendRefusal(wabaId: string, now: number): { code: 131031 | 368; details: string } | null {
    const s = this.wabas.get(wabaId);
    if (!s) return null;
    if (s.banState === 'DISABLE') return { code: 131031, details: 'The WhatsApp Business Account has been disabled.' };
    if (s.reviewStatus === 'REJECTED') return { code: 131031, details: 'The WhatsApp Business Account review was rejected.' };
    const restriction = s.restrictions.find((r) => r.type !== 'RESTRICTED_ADD_PHONE_NUMBER_ACTION' && r.expiresAt > now);
    if (restriction) return { code: 368, details: `Messaging is restricted (${restriction.type}) until ${new Date(restriction.expiresAt).toISOString()}.` };
    return null;
  }

  updateWaba(wabaId: string, change: Partial<WabaAccountState>): WabaAccountState {
    const next = { ...this.waba(wabaId), ...change };
    this.wabas.set(wabaId, next);
    return next;
  }
}
