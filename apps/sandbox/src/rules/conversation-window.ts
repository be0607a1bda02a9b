import { BoundedMap } from '../common/bounded-map';
import { Clock } from '../common/clock';

/**
 * The 24 h customer-service window per (business number, user): opened or extended by every
 * message the user sends; free-form messages outside it fail with 131047.
 */
export class ConversationWindow {
  private readonly lastInbound: BoundedMap<string, number>;

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
    maxConversations = 200_000,
  ) {
    this.lastInbound = new BoundedMap(maxConversations);
  }

  open(phoneNumberId: string, userKey: string): void {
    this.lastInbound.set(`${phoneNumberId}:${userKey}`, this.clock.now());
  }

  isOpen(phoneNumberId: string, userKey: string): boolean {
    const at = this.lastInbound.get(`${phoneNumberId}:${userKey}`);
    return at !== undefined && this.clock.now() - at < this.windowMs;
  }

  /** When the window closes, or null when it is not open. */
  openUntil(phoneNumberId: string, userKey: string): number | null {
    const at = this.lastInbound.get(`${phoneNumberId}:${userKey}`);
    if (at === undefined || this.clock.now() - at >= this.windowMs) return null;
    return at + this.windowMs;
  }
}
