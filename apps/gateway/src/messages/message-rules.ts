import { normalizeRecipientPhone } from '@wabridge/meta';

/**
 * A problem of one field of a request, as our API reports it (`error.details[]`). The rules
 * for Meta's message objects live in libs/meta (send-rules; ADR 0183), shared with the sandbox.
 */
export interface FieldProblem {
  field: string;
  problems: string[];
}

/** `to` as Meta's digits (E.164 without '+'), or a problem naming `field` (ADR 0069). */
export function normalizeTo(to: unknown, field = 'to'): { to?: string; problem?: FieldProblem } {
  const digits = normalizeRecipientPhone(to);
  if (digits !== undefined) return { to: digits };
  return { problem: { field, problems: [`${field} must be a phone number with its country code, e.g. +14155550123`] } };
}
