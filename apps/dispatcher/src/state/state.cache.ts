import { Clock } from '../common/clock';
import { StoredNumber, TemplateStatusRow } from './state.repository';

/**
 * The state the dispatcher reads on the hot path, in memory, no I/O: number configs for a short
 * while (another instance may pause or resume a number, and the table is where that meets) and
 * template statuses (loaded once, then kept current by account events and Meta's refusals).
 * Whoever writes a number's row forgets it here afterwards (`numberChanged`), so the next read
 * goes to the table; template updates follow the table's rule: the newer fact wins.
 */
export class StateCache {
  private readonly numbers = new Map<string, StoredNumber & { at: number }>();
  private readonly templates = new Map<string, { status: string; updatedAt: number }>();
  private loaded = false;

  constructor(
    private readonly clock: Clock,
    private readonly numberTtlMs = 1000,
  ) {}

  /** The number as read less than the TTL ago, if it was. */
  number(phoneNumberId: string): StoredNumber | undefined {
    const hit = this.numbers.get(phoneNumberId);
    if (!hit || this.clock.now() - hit.at >= this.numberTtlMs) return undefined;
    return hit;
  }

  rememberNumber(phoneNumberId: string, n: StoredNumber): void {
    this.numbers.set(phoneNumberId, { ...n, at: this.clock.now() });
  }

  /** The number's row changed (a config event, a removal, a pause): read it again next time. */
  numberChanged(phoneNumberId: string): void {
    this.numbers.delete(phoneNumberId);
  }

  /** False until the table's statuses were loaded (`loadTemplates`). */
  get templatesLoaded(): boolean {
    return this.loaded;
  }

  loadTemplates(rows: TemplateStatusRow[]): void {
    for (const r of rows) this.templateChanged(r);
    this.loaded = true;
  }

  /** A template's status changed; an update older than the one known is ignored (the table ignores it too). */
  templateChanged(t: TemplateStatusRow): void {
    const key = templateKey(t.wabaId, t.name, t.language);
    const known = this.templates.get(key);
    if (known && t.updatedAt < known.updatedAt) return;
    this.templates.set(key, { status: t.status, updatedAt: t.updatedAt });
  }

  templateStatus(wabaId: string, name: string, language: string): string | undefined {
    return this.templates.get(templateKey(wabaId, name, language))?.status;
  }
}

function templateKey(wabaId: string, name: string, language: string): string {
  return `${wabaId}:${name}:${language}`;
}
