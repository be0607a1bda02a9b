/** When and how long to wait before repeating a request (429 and 503 answers, lost connections). */

export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 turns retrying off). */
  maxRetries?: number;
  /** The longest wait the client accepts; a Retry-After beyond it ends retrying (default 30 s). */
  maxDelayMs?: number;
  /** First backoff when the answer names no Retry-After, doubled per retry (default 500 ms). */
  baseDelayMs?: number;
}

export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * Retry-After as milliseconds: delta-seconds (`"7"`) or an HTTP date, relative to `nowMs`;
 * undefined when absent or unreadable. A date in the past is 0.
 */
export function retryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined; // "1.5", "-1": not a delta-seconds and not a date
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffMs(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
