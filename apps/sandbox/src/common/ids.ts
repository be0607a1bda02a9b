import { createHash, randomBytes } from 'node:crypto';

/**
 * Ids that look like Meta's: `wamid.` + base64 of an opaque blob, numeric media and template
 * ids, and `fbtrace_id`s. Uniqueness comes from a counter plus random bytes per process.
 */
export class IdFactory {
  private seq = 0;
  private readonly boot = randomBytes(6).toString('hex').toUpperCase();

  wamid(recipient: string): string {
    this.seq++;
    const blob = `${recipient.replace(/[^0-9A-Za-z.]/g, '')}\u0015\u0002\u0000\u0012\u0018\u0014${this.boot}${this.seq.toString(16).toUpperCase().padStart(8, '0')}\u0000`;
    return 'wamid.' + Buffer.from(blob, 'latin1').toString('base64');
  }

  /** 15–16 digit numeric id as Graph uses for media and templates. */
  numericId(): string {
    this.seq++;
    const head = 1_000_000 + (randomBytes(3).readUIntBE(0, 3) % 8_999_999);
    return `${head}${this.seq.toString().padStart(9, '0')}`;
  }

  fbtraceId(): string {
    return 'A' + randomBytes(16).toString('base64url').slice(0, 22);
  }
}

/**
 * The business-scoped user id (BSUID) the sandbox gives a phone user: stable per wa_id so a
 * reply addressed by `recipient` reaches the same simulated user as one addressed by `to`.
 */
export function bsuidForWaId(waId: string, countryCode = 'US'): string {
  const digits = BigInt('0x' + createHash('sha256').update(`bsuid:${waId}`).digest('hex').slice(0, 15)).toString();
  return `${countryCode}.${digits}`;
}
