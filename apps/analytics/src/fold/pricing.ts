import parsePhoneNumberFromString from 'libphonenumber-js';

/**
 * What a status's `pricing` (and legacy `conversation`) says about the charge, in one shape for
 * both of Meta's models (ADR 0122):
 * - per-message (PMP, July 2025 on): `{billable, pricing_model: 'PMP', type: regular |
 *   free_customer_service | free_entry_point, category}`, one charge per billable message;
 * - conversation-based (CBP, before): `{billable, pricing_model: 'CBP', category}` beside
 *   `conversation{id, origin{type}}`, one charge per billable conversation, whichever of its
 *   messages reports it.
 */
export interface PricingFacts {
  model: string;
  category: string;
  type: string;
  billable: boolean;
  /** The unit a charge is counted once for: the conversation (CBP with an id) or the message. */
  billingUnit?: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Meta writes `authentication-international` and `authentication_international`; one spelling here. */
export function normalizeCategory(category: string): string {
  return category.trim().toLowerCase().replace(/-/g, '_').slice(0, 64);
}

export function parsePricing(pricing: Record<string, unknown> | undefined, conversation?: Record<string, unknown>): PricingFacts | undefined {
  if (!pricing) return undefined;
  const model = (text(pricing.pricing_model) ?? (conversation ? 'CBP' : 'PMP')).toUpperCase().slice(0, 16);
  const origin = conversation?.origin as Record<string, unknown> | undefined;
  const category = normalizeCategory(text(pricing.category) ?? text(origin?.type) ?? 'unknown');
  const type = (text(pricing.type) ?? (model === 'CBP' ? 'conversation' : 'regular')).slice(0, 64);
  // `billable` is always sent; were it absent, only a regular (non-free) charge is billable.
  const billable = typeof pricing.billable === 'boolean' ? pricing.billable : type === 'regular';
  const conversationId = model === 'CBP' ? text(conversation?.id) : undefined;
  return { model, category, type, billable, ...(conversationId ? { billingUnit: `conv:${conversationId}` } : {}) };
}

/** The recipient's country calling code (`49`, `1`, `55`), the market of a rate card; '' when unknown (a BSUID). */
export function marketOf(recipient: string | undefined): string {
  if (!recipient || !/^\+?\d{5,20}$/.test(recipient)) return '';
  const parsed = parsePhoneNumberFromString(recipient.startsWith('+') ? recipient : `+${recipient}`);
  return parsed?.countryCallingCode ?? '';
}
