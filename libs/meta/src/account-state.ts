import { isJsonObject } from './json';
/**
 * What Meta decides about a WhatsApp Business Account and its numbers (quality, messaging tier,
 * throughput, display name, reviews, bans and restrictions), read from Meta's non-message
 * webhooks and Graph fields into one vocabulary. Pure; never throws on odd input (an unknown
 * value is left out of the result, so it cannot overwrite a known one).
 */

/** Meta's per-number throughput levels (messages per second). */
export const META_DEFAULT_MPS = 80;
/** After Meta's automatic throughput upgrade (`THROUGHPUT_UPGRADE`, Graph `throughput.level` HIGH). */
export const META_UPGRADED_MPS = 1000;
/** A number shared by the WhatsApp Business app and the Cloud API (coexistence) is capped at this, whatever else says. */
export const META_COEXISTENCE_MPS = 20;

/**
 * Messaging-limit tiers: unique business-initiated users per portfolio per moving 24 h, keyed by
 * Meta's names (webhook `current_limit`, Graph `messaging_limit_tier`, the older `TIER_2K`) and
 * valued in the registry's vocabulary (NumberChangedV1 `tier`).
 */
export const META_MESSAGING_TIERS = {
  TIER_50: '50',
  TIER_250: '250',
  TIER_1K: '1000',
  TIER_2K: '2000',
  TIER_10K: '10000',
  TIER_100K: '100000',
  TIER_UNLIMITED: 'unlimited',
} as const;
export type MetaTierValue = (typeof META_MESSAGING_TIERS)[keyof typeof META_MESSAGING_TIERS];

export const QUALITY_RATINGS = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN', 'NA'] as const;
export type QualityRating = (typeof QUALITY_RATINGS)[number];

/** Graph's `name_status` vocabulary; name-update decisions are mapped onto it. */
export const NAME_STATUSES = ['APPROVED', 'AVAILABLE_WITHOUT_REVIEW', 'DECLINED', 'EXPIRED', 'PENDING_REVIEW', 'NONE'] as const;
export type NameStatus = (typeof NAME_STATUSES)[number];

export const REVIEW_STATUSES = ['APPROVED', 'PENDING', 'REJECTED', 'DEFERRED'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const BUSINESS_VERIFICATION_STATUSES = ['pending', 'verified', 'rejected', 'not_verified'] as const;
export type BusinessVerificationStatus = (typeof BUSINESS_VERIFICATION_STATUSES)[number];

/** Meta's business verticals (business profile `vertical`). */
export const BUSINESS_VERTICALS = [
  'OTHER', 'AUTO', 'BEAUTY', 'APPAREL', 'EDU', 'ENTERTAIN', 'EVENT_PLAN', 'FINANCE', 'GROCERY', 'GOVT', 'HOTEL', 'HEALTH',
  'NONPROFIT', 'PROF_SERVICES', 'RETAIL', 'TRAVEL', 'RESTAURANT', 'ALCOHOL', 'ONLINE_GAMBLING', 'PHYSICAL_GAMBLING', 'OTC_DRUGS',
] as const;
export type BusinessVertical = (typeof BUSINESS_VERTICALS)[number];

/** Restrictions after which the WABA may not message users at all until they expire. */
const SENDING_RESTRICTIONS = new Set(['RESTRICTED_BIZ_INITIATED_MESSAGING', 'RESTRICTED_CUSTOMER_INITIATED_MESSAGING']);

/** A change to one number (the webhook names it by display phone number, Graph by id). */
export interface NumberStateChange {
  /** Digits only, as Meta sends `display_phone_number`; how a webhook names the number. */
  displayPhoneNumber?: string;
  qualityRating?: QualityRating;
  /** The number's (portfolio's) messaging tier. */
  messagingTier?: MetaTierValue;
  throughputMps?: number;
  nameStatus?: NameStatus;
  coexistence?: boolean;
}

/** A change to the whole WABA (and so to every number of it). */
export interface WabaStateChange {
  reviewStatus?: ReviewStatus;
  /** `DISABLE`/`SCHEDULE_FOR_DISABLE`/`REINSTATE`… from account_update DISABLED_UPDATE. */
  banState?: string;
  /** Sending restrictions in force (empty = lifted) and when the last of them expires. */
  restrictions?: string[];
  restrictedUntil?: string | null;
  /** Last policy violation Meta reported (informational; does not block by itself). */
  violation?: string;
  businessVerificationStatus?: BusinessVerificationStatus;
  /** Portfolio messaging limit from business_capability_update, applied to every number of the WABA. */
  messagingTier?: MetaTierValue;
}

export type AccountStateChange =
  | { scope: 'number'; aspect: 'quality' | 'name' | 'graph'; number: NumberStateChange }
  | { scope: 'waba'; aspect: 'review' | 'account' | 'capability' | 'graph'; waba: WabaStateChange };

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined);
const upper = (v: unknown): string | undefined => str(v)?.toUpperCase();

/** Meta's tier name (`TIER_10K`, `tier_1k`) or a plain daily limit (1000, "100000") → the registry's tier. */
export function messagingTierOf(v: unknown): MetaTierValue | undefined {
  const s = upper(v);
  if (!s) return undefined;
  const named = (META_MESSAGING_TIERS as Record<string, MetaTierValue>)[s];
  if (named) return named;
  if (s === 'UNLIMITED') return 'unlimited';
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const values = Object.values(META_MESSAGING_TIERS).filter((t) => t !== 'unlimited');
  return values.find((t) => Number(t) === n);
}

export function qualityRatingOf(v: unknown): QualityRating | undefined {
  const s = upper(v);
  return (QUALITY_RATINGS as readonly string[]).includes(s ?? '') ? (s as QualityRating) : undefined;
}

/** Graph `throughput.level` (STANDARD / HIGH) → messages per second. */
export function throughputMpsOf(level: unknown): number | undefined {
  const s = upper(level);
  if (s === 'HIGH') return META_UPGRADED_MPS;
  if (s === 'STANDARD') return META_DEFAULT_MPS;
  return undefined;
}

/** A display-name decision (webhook) or Graph's `name_status` → Graph's vocabulary. */
export function nameStatusOf(v: unknown): NameStatus | undefined {
  const s = upper(v);
  if (!s) return undefined;
  if ((NAME_STATUSES as readonly string[]).includes(s)) return s as NameStatus;
  if (s === 'REJECTED') return 'DECLINED';
  if (s === 'PENDING' || s === 'DEFERRED') return 'PENDING_REVIEW';
  return undefined;
}

export function reviewStatusOf(v: unknown): ReviewStatus | undefined {
  const s = upper(v);
  return (REVIEW_STATUSES as readonly string[]).includes(s ?? '') ? (s as ReviewStatus) : undefined;
}

/** Graph's `business_verification_status` (VERIFIED, PENDING, FAILED/REJECTED, NOT_VERIFIED, …) → ours. */
export function businessVerificationOf(v: unknown): BusinessVerificationStatus | undefined {
  const s = upper(v);
  switch (s) {
    case 'VERIFIED': return 'verified';
    case 'PENDING': case 'PENDING_NEED_MORE_INFO': case 'PENDING_SUBMISSION': case 'REVOKED_PENDING': return 'pending';
    case 'REJECTED': case 'FAILED': case 'REVOKED': return 'rejected';
    case 'NOT_VERIFIED': case 'UNVERIFIED': case 'EXPIRED': return 'not_verified';
    default: return undefined;
  }
}

const unixIso = (v: unknown): string | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n > 1e12 ? n : n * 1000).toISOString() : undefined;
};

/** Quality events: FLAGGED (quality low), UNFLAGGED (back to good), UPGRADE/DOWNGRADE (tier), THROUGHPUT_UPGRADE. */
function qualityChange(value: Obj): NumberStateChange {
  const out: NumberStateChange = {};
  const display = str(value['display_phone_number']);
  if (display) out.displayPhoneNumber = display;
  const event = upper(value['event']);
  const rating = qualityRatingOf(value['quality_rating']) ?? (event === 'FLAGGED' ? 'RED' : event === 'UNFLAGGED' ? 'GREEN' : undefined);
  if (rating) out.qualityRating = rating;
  // `current_limit` (TIER_*) or, in newer versions, max_daily_conversations_per_business
  const tier = messagingTierOf(value['current_limit']) ?? messagingTierOf(value['max_daily_conversations_per_business']);
  if (tier) out.messagingTier = tier;
  if (event === 'THROUGHPUT_UPGRADE') out.throughputMps = META_UPGRADED_MPS;
  return out;
}

function accountUpdateChange(value: Obj): WabaStateChange | undefined {
  const event = upper(value['event']);
  const out: WabaStateChange = {};
  const verification = businessVerificationOf(value['business_verification_status']);
  if (verification) out.businessVerificationStatus = verification;
  if (event === 'DISABLED_UPDATE') {
    const ban = isJsonObject(value['ban_info']) ? upper(value['ban_info']['waba_ban_state']) : undefined;
    if (ban) out.banState = ban;
  } else if (event === 'ACCOUNT_RESTRICTION') {
    const infos = Array.isArray(value['restriction_info']) ? value['restriction_info'].filter(isJsonObject) : [];
    const blocking = infos.filter((r) => SENDING_RESTRICTIONS.has(upper(r['restriction_type']) ?? ''));
    out.restrictions = blocking.map((r) => upper(r['restriction_type'])!);
    const until = blocking.map((r) => unixIso(r['expiration'])).filter((t): t is string => !!t).sort().pop();
    out.restrictedUntil = blocking.length === 0 ? null : until ?? null;
  } else if (event === 'ACCOUNT_VIOLATION') {
    const type = isJsonObject(value['violation_info']) ? str(value['violation_info']['violation_type']) : undefined;
    out.violation = type ?? 'unspecified';
  } else if (event === 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE' && !out.businessVerificationStatus) {
    // partner-led business verification: APPROVED / REJECTED / PENDING / DISCARDED
    const info = isJsonObject(value['partner_client_certification_info']) ? value['partner_client_certification_info'] : {};
    const status = upper(info['status']);
    const mapped = status === 'APPROVED' ? 'verified' : status === 'DISCARDED' ? 'not_verified' : businessVerificationOf(status);
    if (mapped) out.businessVerificationStatus = mapped;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The state change an account webhook (`field`, `value` as Meta sent it) makes, or undefined
 * when the change is not about account state (templates, calls, pricing tiers, …).
 */
export function accountStateChange(field: string, value: Obj): AccountStateChange | undefined {
  switch (field) {
    case 'phone_number_quality_update': {
      const number = qualityChange(value);
      const { displayPhoneNumber: _named, ...changed } = number;
      return Object.keys(changed).length > 0 ? { scope: 'number', aspect: 'quality', number } : undefined;
    }
    case 'phone_number_name_update': {
      const nameStatus = nameStatusOf(value['decision']);
      const display = str(value['display_phone_number']);
      if (!nameStatus) return undefined;
      return { scope: 'number', aspect: 'name', number: { nameStatus, ...(display ? { displayPhoneNumber: display } : {}) } };
    }
    case 'account_review_update': {
      const reviewStatus = reviewStatusOf(value['decision']);
      return reviewStatus ? { scope: 'waba', aspect: 'review', waba: { reviewStatus } } : undefined;
    }
    case 'account_update': {
      const waba = accountUpdateChange(value);
      return waba ? { scope: 'waba', aspect: 'account', waba } : undefined;
    }
    case 'business_capability_update': {
      const tier = messagingTierOf(value['max_daily_conversations_per_business']) ?? messagingTierOf(value['max_daily_conversation_per_phone']);
      return tier ? { scope: 'waba', aspect: 'capability', waba: { messagingTier: tier } } : undefined;
    }
    default:
      return undefined;
  }
}

/** A number's Graph fields (`quality_rating,messaging_limit_tier,name_status,throughput,platform_type,is_on_biz_app`). */
export function numberStateFromGraph(body: Obj): NumberStateChange {
  const out: NumberStateChange = {};
  const display = str(body['display_phone_number']);
  if (display) out.displayPhoneNumber = display.replace(/\D/g, '');
  const rating = qualityRatingOf(body['quality_rating']);
  if (rating) out.qualityRating = rating;
  const tier = messagingTierOf(body['messaging_limit_tier']);
  if (tier) out.messagingTier = tier;
  const name = nameStatusOf(body['name_status']);
  if (name) out.nameStatus = name;
  const mps = throughputMpsOf(isJsonObject(body['throughput']) ? body['throughput']['level'] : undefined);
  if (mps) out.throughputMps = mps;
  // Coexistence: Meta exposes it as `is_on_biz_app` (and platform_type) on numbers onboarded from the app.
  if (typeof body['is_on_biz_app'] === 'boolean') out.coexistence = body['is_on_biz_app'];
  return out;
}

/** A WABA's Graph fields (`account_review_status,business_verification_status`). */
export function wabaStateFromGraph(body: Obj): WabaStateChange {
  const out: WabaStateChange = {};
  const review = reviewStatusOf(body['account_review_status']);
  if (review) out.reviewStatus = review;
  const verification = businessVerificationOf(body['business_verification_status']);
  if (verification) out.businessVerificationStatus = verification;
  return out;
}

export interface SendPermissionInput {
  reviewStatus?: string | null;
  banState?: string | null;
  restrictions?: string[] | null;
  restrictedUntil?: string | Date | null;
}

/**
 * Whether Meta lets the WABA send now, and if not why: review rejected, account disabled, or a
 * messaging restriction that has not expired.
 */
export function sendPermission(s: SendPermissionInput, now: number): { maySend: true } | { maySend: false; reason: string; until?: string } {
  if (s.banState === 'DISABLE' || s.banState === 'DISABLED') return { maySend: false, reason: 'account_disabled' };
  if (s.reviewStatus === 'REJECTED') return { maySend: false, reason: 'account_review_rejected' };
  if (s.restrictions && s.restrictions.length > 0) {
    // a restriction without a known expiry holds until Meta lifts it (a new account_update or the Graph refresh)
    if (!s.restrictedUntil) return { maySend: false, reason: 'account_restricted' };
    const until = new Date(s.restrictedUntil);
    if (until.getTime() > now) return { maySend: false, reason: 'account_restricted', until: until.toISOString() };
  }
  return { maySend: true };
}

/** The mps the number may actually use: coexistence caps it at Meta's 20 whatever else says. */
export function effectiveMps(configured: number, coexistence: boolean | undefined): number {
  return coexistence ? Math.min(configured, META_COEXISTENCE_MPS) : configured;
}
