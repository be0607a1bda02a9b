import type { AudienceContact } from '../audience/contacts.client';

/**
 * A saved filter over one number's contacts (issue 20 "segments"): every tag, one attribute
 * value, the opt-in state, the 24 h window, the last inbound time. The contacts API filters by
 * the first tag, the attribute and the window; the rest is checked on each page.
 */
export interface SegmentFilter {
  tags?: string[];
  attribute?: { key: string; value: string };
  /** true: explicit opt-in only (`optInState: opted_in`). Opted-out contacts are never sent to anyway. */
  optedIn?: boolean;
  /** true: the 24 h window is open now; false: closed. */
  windowOpen?: boolean;
  /** Wrote to the number at or after this time (ISO 8601). */
  lastInboundSince?: string;
}

/** Whether a contact of a page matches what the contacts API could not filter itself. */
export function matchesRest(filter: SegmentFilter, c: AudienceContact): boolean {
  const [, ...rest] = filter.tags ?? [];
  if (!rest.every((t) => c.tags?.includes(t))) return false;
  if (filter.optedIn === true && c.optInState !== 'opted_in') return false;
  if (filter.optedIn === false && c.optInState === 'opted_in') return false;
  if (filter.lastInboundSince) {
    if (!c.lastInboundAt || Date.parse(c.lastInboundAt) < Date.parse(filter.lastInboundSince)) return false;
  }
  return true;
}
