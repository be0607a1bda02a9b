import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Our message id of an automated reply: a ULID whose time is the inbound message's arrival and
 * whose 80 random bits are a hash of (tenant, inbound wamid, rule). A redelivered inbound whose
 * first evaluation published but did not commit publishes the same id and idempotency key, so
 * the dispatcher, the gateway's projection and the history all keep one message (ADR 0135).
 */
export function automationMessageId(tenantId: string, inboundWamid: string, ruleId: string, arrivedAtMs: number): string {
  let time = '';
  let t = Math.max(0, Math.floor(arrivedAtMs));
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const digest = createHash('sha256').update(`${tenantId}\u0000${inboundWamid}\u0000${ruleId}`).digest();
  let bits = 0n;
  for (let i = 0; i < 10; i++) bits = (bits << 8n) | BigInt(digest[i]!);
  let random = '';
  for (let i = 0; i < 16; i++) {
    random = CROCKFORD[Number(bits & 31n)]! + random;
    bits >>= 5n;
  }
  return time + random;
}

/** The send command's idempotency key: one reply per inbound message and rule, whoever publishes it twice. */
export function automationIdempotencyKey(inboundWamid: string, ruleId: string): string {
  const plain = `automation:${ruleId}:${inboundWamid}`;
  return plain.length <= 255 ? plain : `automation:${ruleId}:sha256:${createHash('sha256').update(inboundWamid).digest('hex')}`;
}
