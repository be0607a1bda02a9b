import { IHeaders } from 'kafkajs';

/** Events travel as UTF-8 JSON; headers carry routing metadata (STYLE: event-type, schema-version, tenant-id, traceparent). */
export function encodeValue(value: unknown): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value), 'utf8');
}

export function decodeValue(value: Buffer | null): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (value === null) return { ok: false, reason: 'empty message value (tombstone)' };
  try {
    return { ok: true, value: JSON.parse(value.toString('utf8')) as unknown };
  } catch (err) {
    return { ok: false, reason: `value is not JSON: ${(err as Error).message}` };
  }
}

export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined || first === null) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

/** Normalizes kafkajs headers (Buffers, arrays) into plain strings for propagation/logging. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(headers ?? {})) {
    const v = headerString(headers, key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}
