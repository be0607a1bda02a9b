import { FINAL_STATES, OutboundRequestedV1 } from '@wabridge/contracts';
import { MessageRepository } from '../messages/message.repository';

/** Our message ids are ULIDs; Meta's wamids never look like one. */
const OUR_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** How long a reply waits for the message it names to be sent before going as given. */
export const REFERENCE_WAIT_MS = 10 * 60_000;

/**
 * Meta takes a wamid in `context.message_id` and `reaction.message_id`; our API hands out our
 * own ids, so a reply or reaction may name one of those. Mapped to its wamid here (same
 * tenant only). Null when nothing to map; 'pending' while the named message is not sent yet
 * (for at most REFERENCE_WAIT_MS, then it goes as given and Meta's answer decides).
 */
export async function mapReferences(
  repo: Pick<MessageRepository, 'wamidOf'>, req: OutboundRequestedV1, now: number,
): Promise<OutboundRequestedV1 | 'pending' | null> {
  const message = req.message;
  const fields = req.type === 'reaction' ? (['context', 'reaction'] as const) : (['context'] as const);
  let out: Record<string, unknown> | null = null;
  for (const field of fields) {
    const ref = message[field] as { message_id?: unknown } | undefined;
    if (!ref || typeof ref.message_id !== 'string' || !OUR_ID.test(ref.message_id)) continue;
    const found = await repo.wamidOf(req.tenantId, ref.message_id);
    if (!found) continue; // not one of this tenant's messages: sent as given
    if (found.wamid) {
      out = { ...(out ?? message), [field]: { ...ref, message_id: found.wamid } };
    } else if (!FINAL_STATES.has(found.status) && now - Date.parse(req.requestedAt) < REFERENCE_WAIT_MS) {
      return 'pending';
    }
  }
  return out ? Object.assign(new OutboundRequestedV1(), { ...req, message: out }) : null;
}
