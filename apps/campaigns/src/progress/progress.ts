import type { OutboundEventV1 } from '@wabridge/contracts';
import type { RecipientStatus } from '../campaigns/campaigns.repository';

export interface RecipientStep {
  messageId: string;
  status: RecipientStatus;
  rank: number;
  errorCode?: number;
  reason?: string;
}

/** Meta's per-user marketing limit: counted as failed, never resent by the campaign (DESIGN.md §5). */
export const MARKETING_LIMIT_CODE = 131049;

/**
 * A recipient's step from one dispatcher event (pure; ADR 0154), or null when it changes
 * nothing (accepted, a retry: the recipient stays queued). A refusal for compliance (opted
 * out, at send time) makes the recipient skipped, like an opt-out met at expansion; every
 * other end is failed with Meta's code.
 */
export function recipientStep(e: OutboundEventV1): RecipientStep | null {
  switch (e.event) {
    case 'sent': return { messageId: e.id, status: 'sent', rank: 2 };
    case 'delivered': return { messageId: e.id, status: 'delivered', rank: 3 };
    case 'read':
    case 'played': return { messageId: e.id, status: 'read', rank: 4 };
    case 'rejected':
      if (e.error?.class === 'compliance') return { messageId: e.id, status: 'skipped', rank: 9, reason: e.error.message.slice(0, 200) };
      return { messageId: e.id, status: 'failed', rank: 9, errorCode: e.error?.code, reason: e.error?.message.slice(0, 200) };
    case 'failed':
    case 'dead-lettered':
      return { messageId: e.id, status: 'failed', rank: 9, errorCode: e.error?.code, reason: e.error?.message.slice(0, 200) };
    default:
      return null;
  }
}
