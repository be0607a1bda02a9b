import { BoundedMap } from '../common/bounded-map';

/** One simulated business phone number and its limits. */
export interface SandboxNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  /** Bearer token Graph calls for this number must carry. */
  accessToken: string;
  /** Signs the webhooks sent for this number (`X-Hub-Signature-256`). */
  appSecret: string;
  /** Where webhooks for this number go (the platform's ingress `/webhooks/meta/:appId`). */
  callbackUrl: string;
  mps: number;
  pairBurst: number;
  /** Messaging limit of the portfolio (`null` = unlimited). */
  tierLimit: number | null;
  /** Business portfolio sharing the messaging limit; the WABA id unless given. */
  portfolioId: string;
  notOnWhatsAppPattern: string;
  /** Until when (epoch ms) sends answer 131057 because a throughput upgrade is under way; 0 = never. */
  maintenanceUntil: number;
}

export class TooManyNumbersError extends Error {
  constructor(max: number) {
    super(`the sandbox holds at most ${max} numbers`);
    this.name = 'TooManyNumbersError';
  }
}

/** Simulated numbers, keyed by phone number id. */
export class NumberRegistry {
  private readonly numbers: BoundedMap<string, SandboxNumber>;

  constructor(private readonly max: number) {
    // One more than allowed so `upsert` can refuse instead of silently evicting a number.
    this.numbers = new BoundedMap(max + 1);
  }

  upsert(number: SandboxNumber): SandboxNumber {
    if (!this.numbers.has(number.phoneNumberId) && this.numbers.size >= this.max) throw new TooManyNumbersError(this.max);
    this.numbers.set(number.phoneNumberId, number);
    return number;
  }

  get(phoneNumberId: string): SandboxNumber | undefined {
    return this.numbers.get(phoneNumberId);
  }

  list(): SandboxNumber[] {
    return [...this.numbers.values()];
  }

  inWaba(wabaId: string): SandboxNumber[] {
    return this.list().filter((n) => n.wabaId === wabaId);
  }

  /** The number whose token this is, within a WABA (WABA-level calls accept any of its numbers' tokens). */
  wabaTokenValid(wabaId: string, token: string): boolean {
    return this.inWaba(wabaId).some((n) => n.accessToken === token);
  }
}
