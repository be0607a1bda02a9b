import { BoundedMap } from '../common/bounded-map';
import { Clock } from '../common/clock';

export type TemplateStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'PAUSED' | 'DISABLED';
export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

export interface TemplateComponent {
  type: string;
  text?: string;
  [key: string]: unknown;
}

export interface StoredTemplate {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  components: TemplateComponent[];
  createdAt: number;
  /** When review ends; before it the template is PENDING. */
  reviewAt: number;
  outcome: 'APPROVED' | 'REJECTED';
  rejectedReason: string;
}

export interface TemplateView {
  id: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  components: TemplateComponent[];
  rejected_reason?: string;
}

/** Templates whose name contains this are REJECTED at the end of review (how docs/sandbox.md says to trigger a rejection). */
export const REJECT_MARKER = 'reject';

/**
 * Message templates per WABA with Meta's review lifecycle: created PENDING, then APPROVED —
 * or REJECTED when the name contains "reject" — after the review delay. Status is derived from
 * the clock, so no timers run. `hello_world` (en_US) exists and is approved in every WABA, as
 * in a new Meta account.
 */
export class TemplateRegistry {
  private readonly byWaba: BoundedMap<string, BoundedMap<string, StoredTemplate>>;

  constructor(
    private readonly clock: Clock,
    private readonly reviewDelayMs: number,
    private readonly newId: () => string,
    maxWabas = 10_000,
    private readonly maxTemplatesPerWaba = 1000,
  ) {
    this.byWaba = new BoundedMap(maxWabas);
  }

  /** Makes sure a WABA exists with its default template. */
  ensureWaba(wabaId: string): void {
    if (this.byWaba.has(wabaId)) return;
    const templates = new BoundedMap<string, StoredTemplate>(this.maxTemplatesPerWaba);
    const now = this.clock.now();
    templates.set(key('hello_world', 'en_US'), {
      id: this.newId(),
      wabaId,
      name: 'hello_world',
      language: 'en_US',
      category: 'UTILITY',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
        { type: 'BODY', text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.' },
        { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
      ],
      createdAt: now,
      reviewAt: now,
      outcome: 'APPROVED',
      rejectedReason: 'NONE',
    });
    this.byWaba.set(wabaId, templates);
  }

  hasWaba(wabaId: string): boolean {
    return this.byWaba.has(wabaId);
  }

  exists(wabaId: string, name: string, language: string): boolean {
    return this.byWaba.get(wabaId)?.has(key(name, language)) === true;
  }

  create(wabaId: string, input: { name: string; language: string; category: TemplateCategory; components: TemplateComponent[] }): StoredTemplate {
    this.ensureWaba(wabaId);
    const templates = this.byWaba.get(wabaId);
    if (!templates) throw new Error('unreachable: WABA was just ensured');
    const now = this.clock.now();
    const rejected = input.name.toLowerCase().includes(REJECT_MARKER);
    const stored: StoredTemplate = {
      id: this.newId(),
      wabaId,
      name: input.name,
      language: input.language,
      category: input.category,
      components: input.components,
      createdAt: now,
      reviewAt: now + this.reviewDelayMs,
      outcome: rejected ? 'REJECTED' : 'APPROVED',
      rejectedReason: rejected ? 'INVALID_FORMAT' : 'NONE',
    };
    templates.set(key(input.name, input.language), stored);
    return stored;
  }

  find(wabaId: string, name: string, language: string): StoredTemplate | undefined {
    return this.byWaba.get(wabaId)?.get(key(name, language));
  }

  statusOf(template: StoredTemplate): TemplateStatus {
    return this.clock.now() >= template.reviewAt ? template.outcome : 'PENDING';
  }

  list(wabaId: string, filter: { name?: string; status?: string } = {}): TemplateView[] {
    const templates = this.byWaba.get(wabaId);
    if (!templates) return [];
    const out: TemplateView[] = [];
    for (const t of templates.values()) {
      const view = this.view(t);
      if (filter.name !== undefined && t.name !== filter.name) continue;
      if (filter.status !== undefined && view.status !== filter.status.toUpperCase()) continue;
      out.push(view);
    }
    return out;
  }

  /** Deletes every language of `name`; answers how many were removed. */
  deleteByName(wabaId: string, name: string): number {
    const templates = this.byWaba.get(wabaId);
    if (!templates) return 0;
    const doomed = [...templates.values()].filter((t) => t.name === name);
    for (const t of doomed) templates.delete(key(t.name, t.language));
    return doomed.length;
  }

  view(t: StoredTemplate): TemplateView {
    const status = this.statusOf(t);
    const view: TemplateView = { id: t.id, name: t.name, language: t.language, category: t.category, status, components: t.components };
    if (status === 'REJECTED') view.rejected_reason = t.rejectedReason;
    return view;
  }
}

/** Distinct `{{1}}`/`{{name}}` placeholders in the template's BODY (0 when it has none). */
export function bodyParameterCount(template: StoredTemplate): number {
  const body = template.components.find((c) => c.type.toUpperCase() === 'BODY');
  if (!body || typeof body.text !== 'string') return 0;
  return new Set(body.text.match(/\{\{\s*[A-Za-z0-9_]+\s*\}\}/g) ?? []).size;
}

function key(name: string, language: string): string {
  return `${name}\u0000${language}`;
}
