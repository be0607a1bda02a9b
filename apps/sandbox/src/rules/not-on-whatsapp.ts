/**
 * Which recipients are "not on WhatsApp" (their sends are accepted, then fail with 131026).
 * A regular expression over the recipient's wa_id digits; BSUID recipients are always on
 * WhatsApp since Meta only issues BSUIDs to existing users.
 */
export class NotOnWhatsAppRule {
  private readonly compiled = new Map<string, RegExp>();

  constructor(private readonly defaultPattern: string) {
    this.compile(defaultPattern);
  }

  isNotOnWhatsApp(waId: string | undefined, pattern = this.defaultPattern): boolean {
    if (waId === undefined) return false;
    return this.compile(pattern).test(waId);
  }

  /** Throws SyntaxError for an invalid pattern, so callers can validate configuration. */
  compile(pattern: string): RegExp {
    let re = this.compiled.get(pattern);
    if (!re) {
      re = new RegExp(pattern);
      // Patterns come from configuration only; a handful at most, but keep the cache bounded.
      if (this.compiled.size >= 1000) this.compiled.clear();
      this.compiled.set(pattern, re);
    }
    return re;
  }
}
