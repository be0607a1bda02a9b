import { Injectable } from '@nestjs/common';
import { GraphError } from '../common/graph-error';
import { bearerToken, checkVersion, invalidToken, unknownObject } from '../common/graph-errors';
import { NumberRegistry } from '../numbers/number-registry';
import { TemplateCategory, TemplateComponent, TemplateRegistry } from '../rules/template-registry';
import { WebhookOutboxService } from '../webhooks/webhook-outbox.service';

const CATEGORIES: TemplateCategory[] = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];
const MAX_PAGE = 1000;

/**
 * `GET/POST/DELETE /{version}/{waba-id}/message_templates`. A created template is PENDING;
 * at the end of review the registry reports APPROVED or REJECTED and the
 * `message_template_status_update` webhook, queued for that moment, goes to every receiver
 * of the WABA's numbers.
 */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly registry: TemplateRegistry,
    private readonly numbers: NumberRegistry,
    private readonly outbox: WebhookOutboxService,
  ) {}

  list(version: string, wabaId: string, authorization: string | undefined, query: { name?: string; status?: string; limit?: string; after?: string }): Record<string, unknown> {
    this.authorize(version, wabaId, authorization, 'get');
    const all = this.registry.list(wabaId, { ...(query.name !== undefined ? { name: query.name } : {}), ...(query.status !== undefined ? { status: query.status } : {}) });
    const limit = Math.min(MAX_PAGE, Math.max(1, Number(query.limit ?? 25) || 25));
    const start = query.after !== undefined ? decodeCursor(query.after) : 0;
    const page = all.slice(start, start + limit);
    const cursors = { before: encodeCursor(start), after: encodeCursor(start + page.length) };
    return { data: page, paging: { cursors } };
  }

  create(version: string, wabaId: string, authorization: string | undefined, body: unknown): { id: string; status: string; category: string } {
    this.authorize(version, wabaId, authorization, 'post');
    const input = parseCreate(body);
    if (this.registry.exists(wabaId, input.name, input.language)) {
      throw new GraphError(100, { subcode: 2388024, details: `Content in this language already exists: ${input.name} (${input.language}).` });
    }
    const template = this.registry.create(wabaId, input);
    const event = {
      event: template.outcome,
      message_template_id: Number(template.id),
      message_template_name: template.name,
      message_template_language: template.language,
      reason: template.rejectedReason,
      message_template_category: template.category,
    };
    const targets = new Map<string, { url: string; appSecret: string }>();
    for (const n of this.numbers.inWaba(wabaId)) targets.set(`${n.callbackUrl}\u0000${n.appSecret}`, { url: n.callbackUrl, appSecret: n.appSecret });
    for (const target of targets.values()) {
      this.outbox.enqueue(target, { wabaId, field: 'message_template_status_update', kind: 'event', value: event, time: Math.floor(template.reviewAt / 1000) }, template.reviewAt);
    }
    return { id: template.id, status: 'PENDING', category: template.category };
  }

  delete(version: string, wabaId: string, authorization: string | undefined, name: string | undefined): { success: boolean } {
    this.authorize(version, wabaId, authorization, 'delete');
    if (name === undefined || name === '') throw new GraphError(100, { details: 'The parameter name is required.' });
    if (this.registry.deleteByName(wabaId, name) === 0) throw new GraphError(100, { details: `Message template "${name.slice(0, 100)}" not found.` });
    return { success: true };
  }

  private authorize(version: string, wabaId: string, authorization: string | undefined, method: 'get' | 'post' | 'delete'): void {
    checkVersion(version);
    const token = bearerToken(authorization);
    if (this.numbers.inWaba(wabaId).length === 0) {
      if (token === undefined || !this.numbers.list().some((n) => n.accessToken === token)) throw invalidToken();
      throw unknownObject(wabaId, method);
    }
    if (token === undefined || !this.numbers.wabaTokenValid(wabaId, token)) throw invalidToken();
    this.registry.ensureWaba(wabaId);
  }
}

function encodeCursor(index: number): string {
  return Buffer.from(String(index)).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

function parseCreate(body: unknown): { name: string; language: string; category: TemplateCategory; components: TemplateComponent[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GraphError(100, { details: 'The request body must be a JSON object.' });
  const b = body as Record<string, unknown>;
  if (typeof b.name !== 'string' || b.name === '') throw new GraphError(100, { details: 'The parameter name is required.' });
  if (!/^[a-z0-9_]{1,512}$/.test(b.name)) throw new GraphError(100, { subcode: 2388042, details: 'Template name may contain only lowercase letters, digits and underscores (at most 512).' });
  if (typeof b.language !== 'string' || !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(b.language)) throw new GraphError(100, { details: 'Param language must be a supported language code such as en or en_US.' });
  const category = typeof b.category === 'string' ? b.category.toUpperCase() : '';
  if (!CATEGORIES.includes(category as TemplateCategory)) throw new GraphError(100, { details: `Param category must be one of {${CATEGORIES.join(', ')}}.` });
  if (!Array.isArray(b.components) || b.components.length === 0) throw new GraphError(100, { details: 'The parameter components is required.' });
  const components: TemplateComponent[] = [];
  for (const c of b.components.slice(0, 20)) {
    if (typeof c !== 'object' || c === null || typeof (c as Record<string, unknown>).type !== 'string') throw new GraphError(100, { details: 'Each component needs a type.' });
    components.push(c as TemplateComponent);
  }
  return { name: b.name, language: b.language, category: category as TemplateCategory, components };
}
