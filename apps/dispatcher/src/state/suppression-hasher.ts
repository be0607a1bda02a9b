import { createHmac } from 'node:crypto';

/**
 * Keyed hash of one sending key of an erased contact (ADR 0075):
 * HMAC-SHA256(key, tenant ␟ phone_number_id ␟ recipient), hex. Without the key a dump of the
 * table cannot be matched against a list of phone numbers. Several keys: the first writes,
 * every one is matched (rotation keeps old keys listed).
 */
export class SuppressionHasher {
  private readonly keys: Buffer[];

  constructor(keys: Buffer[]) {
    if (keys.length === 0) throw new Error('SuppressionHasher needs at least one key');
    this.keys = keys;
  }

  /** `SUPPRESSION_KEYS`: comma-separated base64 keys of at least 32 bytes. */
  static fromSpec(spec: string): SuppressionHasher {
    const keys = spec.split(',').map((s) => s.trim()).filter(Boolean).map((s) => Buffer.from(s, 'base64'));
    for (const k of keys) if (k.length < 32) throw new Error('SUPPRESSION_KEYS: every key must be at least 32 bytes (base64)');
    return new SuppressionHasher(keys);
  }

  /** The hash new suppressions are written with. */
  primary(tenantId: string, phoneNumberId: string, recipient: string): string {
    return this.hash(this.keys[0]!, tenantId, phoneNumberId, recipient);
  }

  /** Every hash the recipient may have been suppressed under (one per key). */
  all(tenantId: string, phoneNumberId: string, recipient: string): string[] {
    return this.keys.map((k) => this.hash(k, tenantId, phoneNumberId, recipient));
  }

  private hash(key: Buffer, tenantId: string, phoneNumberId: string, recipient: string): string {
    return createHmac('sha256', key).update(`${tenantId}\u001f${phoneNumberId}\u001f${recipient}`).digest('hex');
  }
}
