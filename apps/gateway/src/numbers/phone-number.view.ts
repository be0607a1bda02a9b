import { MESSAGING_TIERS, MessagingTier } from '@wabridge/contracts';
import { NAME_STATUSES, QUALITY_RATINGS } from '@wabridge/meta';
import { effectiveNumber, NumberRow } from '../accounts/registry.publisher';

/** A number as its tenant sees it (DESIGN §12): Meta's view of it, never a secret or a setting of ours. */
export interface PhoneNumberView {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  /** `paused` when an operator paused it or Meta does not let its WABA send (see `blocked`). */
  status: 'active' | 'paused';
  qualityRating: string | null;
  messagingTier: MessagingTier;
  throughputMps: number;
  nameStatus: string | null;
  coexistence: boolean;
  maySend: boolean;
  blocked?: { reason: string; until?: string };
  updatedAt: string;
}

export function phoneNumberView(r: NumberRow, now: number): PhoneNumberView {
  const e = effectiveNumber(r, now);
  return {
    phoneNumberId: r.phone_number_id, displayPhoneNumber: r.display_phone_number, wabaId: r.waba_id, status: e.status,
    qualityRating: r.quality_rating, messagingTier: e.tier, throughputMps: e.mps, nameStatus: r.name_status, coexistence: r.coexistence,
    maySend: e.maySend, ...(e.blocked ? { blocked: e.blocked } : {}), updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export const PHONE_NUMBER_SCHEMA = {
  type: 'object',
  required: ['phoneNumberId', 'displayPhoneNumber', 'wabaId', 'status', 'messagingTier', 'throughputMps', 'coexistence', 'maySend'],
  properties: {
    phoneNumberId: { type: 'string' },
    displayPhoneNumber: { type: 'string' },
    wabaId: { type: 'string' },
    status: { type: 'string', enum: ['active', 'paused'], description: '`paused` by an operator, or while Meta does not let the WABA send (see `blocked`)' },
    qualityRating: { type: 'string', nullable: true, enum: [...QUALITY_RATINGS, null], description: "Meta's quality rating; null until Meta reported one" },
    messagingTier: { type: 'string', enum: [...MESSAGING_TIERS], description: 'Unique business-initiated users per 24 h (per business portfolio), from Meta' },
    throughputMps: { type: 'integer', description: 'Messages per second the number may send (80 standard, 1000 upgraded, at most 20 for coexistence)' },
    nameStatus: { type: 'string', nullable: true, enum: [...NAME_STATUSES, null], description: 'Display-name review status' },
    coexistence: { type: 'boolean', description: 'WhatsApp Business app and Cloud API on one number' },
    maySend: { type: 'boolean', description: 'False while Meta does not let the WABA send; sends answer 422 number_not_allowed' },
    blocked: {
      type: 'object', properties: {
        reason: { type: 'string', enum: ['account_review_rejected', 'account_disabled', 'account_restricted'] },
        until: { type: 'string', format: 'date-time', description: 'when a restriction expires' },
      },
    },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
