import { Clock, Random } from '../common/clock';
import { GraphError } from '../common/graph-error';

/** Meta's `code_verification_status` of a phone number. */
export type CodeVerificationStatus = 'NOT_VERIFIED' | 'VERIFIED' | 'EXPIRED';

export interface PendingCode {
  value: string;
  method: 'SMS' | 'VOICE';
  language: string;
  expiresAt: number;
  /** Wrong guesses so far; at MAX_CODE_ATTEMPTS the code is void. */
  attempts: number;
}

/** Registration state of one number as Meta keeps it. */
export interface Registration {
  registered: boolean;
  codeVerificationStatus: CodeVerificationStatus;
  code: PendingCode | null;
  /** When codes were requested (epoch ms), for Meta's per-number request limit. */
  codeRequests: number[];
  /** The two-step verification PIN (set by `register` or `POST /{id}` `{pin}`). */
  pin: string | null;
  pinFailures: number;
}

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_CODE_ATTEMPTS = 5;
export const MAX_CODE_REQUESTS_PER_HOUR = 5;
export const MAX_PIN_FAILURES = 5;
const HOUR_MS = 3_600_000;
const SIX_DIGITS = /^\d{6}$/;

function codeError(details: string): GraphError {
  return new GraphError(136025, { details });
}

/**
 * Phone number registration as Meta runs it: `request_code` sends a 6-digit code (visible to
 * tests through a control, as the SMS would be to a person), `verify_code` checks it (expiry on
 * the injected clock, a bounded number of guesses), `register` needs a verified number and, once
 * two-step verification is on, its PIN. Numbers added through `POST /_sandbox/numbers` have no
 * entry here and count as registered (they were live before this existed); numbers discovered
 * through embedded signup start unregistered.
 */
export class RegistrationBook {
  private readonly entries = new Map<string, Registration>();

  constructor(private readonly clock: Clock, private readonly random: Random, private readonly max: number) {}

  /** A number shared through embedded signup: on WhatsApp's side it still has to be verified and registered. */
  discovered(phoneNumberId: string): Registration {
    const existing = this.entries.get(phoneNumberId);
    if (existing) return existing;
    if (this.entries.size >= this.max) throw new GraphError(4, { details: 'The sandbox holds no more numbers in registration.' });
    const entry: Registration = { registered: false, codeVerificationStatus: 'NOT_VERIFIED', code: null, codeRequests: [], pin: null, pinFailures: 0 };
    this.entries.set(phoneNumberId, entry);
    return entry;
  }

  /** The state of a number (a control-registered number is registered and verified). */
  state(phoneNumberId: string): Registration {
    return this.entries.get(phoneNumberId) ?? { registered: true, codeVerificationStatus: 'VERIFIED', code: null, codeRequests: [], pin: null, pinFailures: 0 };
  }

  /** Whether the number may send (hot path: no allocation). */
  isRegistered(phoneNumberId: string): boolean {
    return this.entries.get(phoneNumberId)?.registered ?? true;
  }

  private entry(phoneNumberId: string): Registration {
    let e = this.entries.get(phoneNumberId);
    if (!e) {
      e = this.state(phoneNumberId);
      this.entries.set(phoneNumberId, e);
    }
    return e;
  }

  requestCode(phoneNumberId: string, method: string | undefined, language: string | undefined): void {
    if (method !== 'SMS' && method !== 'VOICE') throw new GraphError(100, { details: 'Param code_method must be one of {SMS, VOICE}.' });
    if (typeof language !== 'string' || !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language)) throw new GraphError(100, { details: 'The parameter language is required (e.g. en_US).' });
    const e = this.entry(phoneNumberId);
    const now = this.clock.now();
    e.codeRequests = e.codeRequests.filter((t) => t > now - HOUR_MS);
    if (e.codeRequests.length >= MAX_CODE_REQUESTS_PER_HOUR) {
      throw new GraphError(4, { subcode: 2446079, message: '(#4) Too many code requests', details: `At most ${MAX_CODE_REQUESTS_PER_HOUR} verification codes per hour; wait before requesting another.` });
    }
    e.codeRequests.push(now);
    const value = String(Math.floor(this.random() * 1_000_000) % 1_000_000).padStart(6, '0');
    e.code = { value, method, language, expiresAt: now + CODE_TTL_MS, attempts: 0 };
    if (e.codeVerificationStatus === 'EXPIRED') e.codeVerificationStatus = 'NOT_VERIFIED';
  }

  /** The code last sent to the number (what the owner would read in the SMS), if any. */
  pendingCode(phoneNumberId: string): PendingCode | null {
    return this.entries.get(phoneNumberId)?.code ?? null;
  }

  verifyCode(phoneNumberId: string, code: unknown): void {
    if (typeof code !== 'string' || code === '') throw new GraphError(100, { details: 'The parameter code is required.' });
    const e = this.entry(phoneNumberId);
    const pending = e.code;
    if (!pending) throw codeError('No verification code was requested for this phone number, or it was already used. Request a new code.');
    if (this.clock.now() >= pending.expiresAt) {
      e.code = null;
      e.codeVerificationStatus = 'EXPIRED';
      throw codeError('The verification code has expired. Request a new code.');
    }
    if (code.replace(/-/g, '') !== pending.value) {
      pending.attempts++;
      if (pending.attempts >= MAX_CODE_ATTEMPTS) {
        e.code = null;
        throw codeError('Too many incorrect attempts: the code is no longer valid. Request a new code.');
      }
      throw codeError(`Code couldn't be verified, you have entered the wrong code (${MAX_CODE_ATTEMPTS - pending.attempts} attempts left).`);
    }
    e.code = null;
    e.codeVerificationStatus = 'VERIFIED';
  }

  register(phoneNumberId: string, messagingProduct: unknown, pin: unknown): void {
    if (messagingProduct !== 'whatsapp') throw new GraphError(100, { details: 'Param messaging_product must be one of {WHATSAPP}.' });
    if (typeof pin !== 'string' || !SIX_DIGITS.test(pin)) throw new GraphError(100, { details: 'Invalid PIN format. PIN must be exactly 6 digits' });
    const e = this.entry(phoneNumberId);
    if (e.codeVerificationStatus !== 'VERIFIED') {
      throw new GraphError(133006, { details: 'The phone number must be verified (request_code, verify_code) before it can be registered.' });
    }
    this.checkPin(e, pin);
    e.pin = pin;
    e.registered = true;
  }

  deregister(phoneNumberId: string): void {
    this.entry(phoneNumberId).registered = false;
  }

  /** Two-step verification: sets or changes the PIN. */
  setPin(phoneNumberId: string, pin: unknown): void {
    if (typeof pin !== 'string' || !SIX_DIGITS.test(pin)) throw new GraphError(100, { details: 'Invalid PIN format. PIN must be exactly 6 digits' });
    const e = this.entry(phoneNumberId);
    e.pin = pin;
    e.pinFailures = 0;
  }

  private checkPin(e: Registration, pin: string): void {
    if (e.pin === null) return;
    if (e.pinFailures >= MAX_PIN_FAILURES) throw new GraphError(133008, { details: 'Too many incorrect two-step verification PIN guesses for this phone number.' });
    if (pin !== e.pin) {
      e.pinFailures++;
      throw new GraphError(133005, { details: 'The two-step verification PIN is not the one set for this phone number.' });
    }
    e.pinFailures = 0;
  }
}
