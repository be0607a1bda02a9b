import { Clock } from '../common/clock';
import { StoredNumber, TemplateStatusRow } from './state.repository';

/**
 * The state the dispatcher reads on the hot path, in memory, no I/O: number configs for a short
 * while (another instance may pause or resume a number, and the table is where that meets) and
 * template statuses (loaded from the table, kept current by this instance's account events and
 * Meta's refusals, and loaded again after `templateTtlMs`: the state consumer group is shared, so
 * another instance may be the one that consumed a template's change and wrote it to the table).
 * Whoever writes a number's row forgets it here afterwards (`numberChanged`), so the next read
 * goes to the table; template updates follow the table's rule: the newer fact wins.
 */
export class StateCache {
  private readonly numbers = new Map<string, StoredNumber & { at: number }>();
  private readonly templates = new Map<string, { status: string; updatedAt: number }>();
  private loadedAt: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly numberTtlMs = 1000,
    private readonly templateTtlMs = 5000,
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
    return this.loadedAt !== undefined;
  }

  /** Loaded, but longer ago than the TTL: worth loading again (what is known stays usable meanwhile). */
  get templatesStale(): boolean {
    return this.loadedAt === undefined || this.clock.now() - this.loadedAt >= this.templateTtlMs;
  }

  /** The table's statuses, merged: newer facts win, so a load never undoes a newer event seen here. */
  loadTemplates(rows: TemplateStatusRow[], at = this.clock.now()): void {
    for (const r of rows) this.templateChanged(r);
    this.loadedAt = at;
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
