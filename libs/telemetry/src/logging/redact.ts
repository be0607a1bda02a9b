/**
 * Redaction of tokens and secrets, for log lines and the gateway's request log: one list of
 * what counts as a secret, so neither can leak what the other hides.
 *
 * Two rules: a value under a secret-looking key is replaced whole (`accessToken`,
 * `authorization`, `appSecret`, `clientSecret`, `secret`, `password`, `pin`, `key`, …), and
 * secret-looking text inside any string is cut out (`Bearer …`, `whsec_…`, our API keys and
 * client secrets, JWTs, Meta access tokens, PEM private keys).
 */

export const REDACTED = '[redacted]';

/** Keys whose value is a secret whatever it looks like (matched case-insensitively, `-`/`_` ignored). */
const SECRET_KEY = /^(?:authorization|proxyauthorization|cookie|setcookie|xapikey|apikey|key|secret|password|passwd|pin|token|accesstoken|refreshtoken|idtoken|clienttoken|verifytoken|hubverifytoken|appsecret|clientsecret|webhooksecret|signingsecret|privatekey|encryptionkey|encryptionkeys|internaltoken|admintoken|xhubsignature256|webhooksignature|xinternaltoken|clientassertion|credentials?)$/;

/** Secret-looking text inside strings (global: every occurrence is cut). */
const SECRET_TEXT = new RegExp(
  [
    /\bBearer\s+[A-Za-z0-9._~+/=-]+/.source, // an Authorization value anywhere
    /\bBasic\s+[A-Za-z0-9+/=]{8,}/.source,
    /\bwhsec_[A-Za-z0-9+/=_-]+/.source, // webhook endpoint secrets (Standard Webhooks)
    /\bwbk_[a-z]+_[A-Za-z0-9_-]+/.source, // our API keys
    /\bwbcs_[A-Za-z0-9_-]+/.source, // our OAuth client secrets
    /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/.source, // JWTs (our access tokens)
    /\bEAA[A-Za-z0-9]{20,}/.source, // Meta access tokens
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/.source,
    /\b(?:access_token|client_secret|app_secret|password|hub\.verify_token)=[^&\s"]+/.source, // query strings, forms
  ].join('|'),
  'g',
);
/** Cheap pre-check so clean strings (nearly all) cost one scan and no allocation. */
const MAYBE_SECRET = /Bearer|Basic|whsec_|wbk_|wbcs_|eyJ|EAA|PRIVATE KEY|access_token=|client_secret=|app_secret=|password=|verify_token=/;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.replace(/[-_.\s]/g, '').toLowerCase());
}

/** `text` with every secret-looking part replaced by `[redacted]` (the same string when clean). */
export function redactText(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  return text.replace(SECRET_TEXT, (m) => {
    const eq = m.indexOf('=');
    // keep the name of a query-string parameter, and the scheme of an Authorization value
    if (/^(?:access_token|client_secret|app_secret|password|hub\.verify_token)=/.test(m)) return `${m.slice(0, eq + 1)}${REDACTED}`;
    if (/^(?:Bearer|Basic)\s/.test(m)) return `${m.split(/\s/)[0]} ${REDACTED}`;
    return REDACTED;
  });
}

const MAX_DEPTH = 12;

/**
 * A copy of `value` with secrets redacted (see the module comment). Objects and arrays are
 * copied only where something changed; cycles and depth beyond 12 become `[…]`. Buffers and
 * other non-plain values become a short description.
 */
export function redact(value: unknown): unknown {
  return walk(value, 0, new Set());
}

function walk(value: unknown, depth: number, seen: Set<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH || seen.has(value)) return '[…]';
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v = walk(value[i], depth + 1, seen);
        if (v !== value[i]) (out ??= value.slice())[i] = v;
      }
      return out ?? value;
    }
    if (value instanceof Error) {
      // same class (pino's err serializer names it by its constructor), message/stack/fields redacted
      const copy = Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>;
      for (const k of Object.getOwnPropertyNames(value)) copy[k] = walk((value as unknown as Record<string, unknown>)[k], depth + 1, seen);
      return copy;
    }
    if (value instanceof Date) return value;
    let out: Record<string, unknown> | undefined;
    const src = value as Record<string, unknown>;
    for (const k of Object.keys(src)) {
      const v = src[k];
      const r = v !== undefined && v !== null && v !== '' && isSecretKey(k) ? REDACTED : walk(v, depth + 1, seen);
      if (r !== v) (out ??= { ...src })[k] = r;
    }
    return out ?? value;
  } finally {
    seen.delete(value);
  }
}
