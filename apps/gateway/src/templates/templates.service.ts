import { Injectable } from '@nestjs/common';
import { AccountEventV1 } from '@wabridge/contracts';
import { ApiError } from '@wabridge/http';
import { ReadThroughCache } from '@wabridge/time';
import { RegistryService } from '../accounts/registry.service';
import { GraphCallError, GraphClient, graphErrorToApiError } from '../graph/graph.client';
import { TemplateKey, TemplateRow, TemplatesRepository } from './templates.repository';

export interface TemplateView {
  id: string;
  wabaId: string;
  metaTemplateId?: string;
  name: string;
  language: string;
  category: string;
  status: string;
  components: unknown[];
  rejectedReason?: string;
  /** Meta's quality score of the template (GREEN, YELLOW, RED, UNKNOWN), once Meta reported one. */
  qualityScore?: string;
  createdAt: string;
  updatedAt: string;
}

function view(r: TemplateRow): TemplateView {
  const v: TemplateView = {
    id: r.id, wabaId: r.waba_id, name: r.name, language: r.language, category: r.category, status: r.status,
    components: r.components, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  };
  if (r.meta_template_id) v.metaTemplateId = r.meta_template_id;
  if (r.rejected_reason) v.rejectedReason = r.rejected_reason;
  if (r.quality_score) v.qualityScore = r.quality_score;
  return v;
}

export interface CreateTemplateInput {
  wabaId: string;
  name: string;
  language: string;
  category: string;
  components: unknown[];
}

interface GraphTemplate {
  id?: string;
  name?: string;
  language?: string;
  category?: string;
  status?: string;
  components?: unknown[];
}

/** How long a template found sendable is taken as sendable without asking the mirror again (ADR 0220). */
export const SENDABLE_CACHE_TTL_MS = 5000;

/** A template check's answer: sendable (with the category the mirror knows), or the 400 to give. */
type Sendability = { ok: true; category: string | undefined } | { ok: false; error: ApiError };

/**
 * Message templates: created/listed/deleted through the Graph API of the WABA (using one of
 * its numbers' tokens), mirrored locally; status kept current from `wa.account.event.v1`.
 */
@Injectable()
export class TemplatesService {
  /**
   * Templates found sendable, by tenant, WABA, name and language (ADR 0220, amends 0193): for
   * SENDABLE_CACHE_TTL_MS, read again ahead of expiry while in use; concurrent checks of one
   * template share one lookup. Refusals are not kept, so a template approved a moment ago is
   * sendable at once; a change made through this instance (status webhook, create, delete,
   * sync) empties it. A template paused on another instance is accepted here for at most the
   * TTL, and the dispatcher refuses it before any Graph call once it has the status.
   */
  private readonly sendable = new ReadThroughCache<string, Sendability>({ ttlMs: SENDABLE_CACHE_TTL_MS, keep: (s) => s.ok });

  constructor(
    private readonly repo: TemplatesRepository,
    private readonly registry: RegistryService,
    private readonly graph: GraphClient,
  ) {}

  /**
   * A template send must name an approved template of the number's WABA: refuses one that is
   * unknown or not approved (400); answers its category when the mirror knows it (ADR 0164).
   * When the WABA's templates were never mirrored (managed only in Meta's UI), we cannot know,
   * and Meta's own answer (132001) is left to the dispatcher.
   */
  async assertSendable(tenantId: string, wabaId: string, template: Record<string, unknown>): Promise<string | undefined> {
    const name = String(template.name);
    const language = String((template.language as Record<string, unknown> | undefined)?.code);
    const key = `${tenantId}\u0000${wabaId}\u0000${name}\u0000${language}`;
    const s = await this.sendable.get(key, () => this.sendability(tenantId, wabaId, name, language));
    if (!s.ok) throw s.error;
    return s.category;
  }

  private async sendability(tenantId: string, wabaId: string, name: string, language: string): Promise<Sendability> {
    const rows = await this.repo.sendability(tenantId, wabaId);
    if (rows.length === 0) return { ok: true, category: undefined };
    const match = rows.find((r) => r.name === name && r.language === language);
    if (!match) {
      return { ok: false, error: ApiError.badRequest(`template.name: no template "${name}" in language ${language} for this number's WABA`, [{ field: 'template.name', problems: ['unknown template'] }]) };
    }
    if (match.status !== 'APPROVED') {
      return { ok: false, error: ApiError.badRequest(`template.name: template "${name}" (${language}) is ${match.status}, not APPROVED`, [{ field: 'template.name', problems: [`status ${match.status}`] }]) };
    }
    return { ok: true, category: match.category };
  }

  /** A template changed through this instance: no answer from before it is given again. */
  private changed(): void {
    this.sendable.invalidateWhere(() => true);
  }

  async list(tenantId: string, wabaId?: string, refresh = false): Promise<TemplateView[]> {
    if (refresh) {
      if (!wabaId) throw ApiError.badRequest('wabaId: is required with refresh=true');
      await this.syncFromGraph(tenantId, wabaId);
    }
    const rows = await this.repo.list(tenantId, wabaId);
    return rows.map(view);
  }

  async get(tenantId: string, id: string): Promise<TemplateView> {
    const row = await this.repo.find(tenantId, id);
    if (!row) throw ApiError.notFound('template');
    return view(row);
  }

  async create(tenantId: string, input: CreateTemplateInput): Promise<TemplateView> {
    const number = await this.wabaNumber(tenantId, input.wabaId);
    const created = (await this.graph
      .call(number, 'POST', `${input.wabaId}/message_templates`, { name: input.name, language: input.language, category: input.category, components: input.components })
      .catch(rethrowGraph)) as GraphTemplate;
    const row = await this.repo.upsert({
      tenantId, wabaId: input.wabaId, metaTemplateId: created.id ?? null, name: input.name, language: input.language,
      category: created.category ?? input.category, status: created.status ?? 'PENDING', components: input.components,
    });
    this.changed();
    return view(row);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const row = await this.repo.find(tenantId, id);
    if (!row) throw ApiError.notFound('template');
    const number = await this.wabaNumber(tenantId, row.waba_id);
    const query: Record<string, string> = { name: row.name };
    if (row.meta_template_id) query.hsm_id = row.meta_template_id;
    await this.graph.call(number, 'DELETE', `${row.waba_id}/message_templates`, undefined, query).catch(rethrowGraph);
    await this.repo.remove(tenantId, id);
    this.changed();
  }

  /** Mirrors the WABA's templates as Graph lists them (one page of up to 250 per call). */
  async syncFromGraph(tenantId: string, wabaId: string): Promise<number> {
    const number = await this.wabaNumber(tenantId, wabaId);
    let after: string | undefined;
    let count = 0;
    for (let page = 0; page < 40; page++) {
      const res = (await this.graph
        .call(number, 'GET', `${wabaId}/message_templates`, undefined, { limit: '250', ...(after ? { after } : {}) })
        .catch(rethrowGraph)) as { data?: GraphTemplate[]; paging?: { cursors?: { after?: string }; next?: string } };
      for (const t of res.data ?? []) {
        if (!t.name || !t.language) continue;
        await this.repo.upsert({
          tenantId, wabaId, metaTemplateId: t.id ?? null, name: t.name, language: t.language,
          category: t.category ?? 'UTILITY', status: t.status ?? 'PENDING', components: t.components ?? [],
        });
        count++;
      }
      this.changed();
      after = res.paging?.next ? res.paging.cursors?.after : undefined;
      if (!after) break;
    }
    return count;
  }

  /** Template status/category/quality updates from Meta's webhooks (via ingress' normalizer). */
  async applyAccountEvent(e: AccountEventV1): Promise<void> {
    const v = e.value;
    const templateId = e.templateId ?? (v.message_template_id !== undefined ? String(v.message_template_id) : undefined);
    const name = e.templateName ?? (typeof v.message_template_name === 'string' ? v.message_template_name : undefined);
    const language = e.templateLanguage ?? (typeof v.message_template_language === 'string' ? v.message_template_language : undefined);
    const key: TemplateKey | null = templateId
      ? { wabaId: e.wabaId, templateId, name: name ?? null, language: language ?? null }
      : name && language ? { wabaId: e.wabaId, name, language } : null;
    if (!key) return;
    if (e.field === 'message_template_status_update') {
      const status = String(e.event ?? v.event ?? '').toUpperCase();
      if (!status) return;
      const reason = typeof v.reason === 'string' && v.reason !== 'NONE' ? v.reason : null;
      await this.repo.setStatus(key, status, reason);
      this.changed();
    } else if (e.field === 'template_category_update') {
      const category = typeof v.new_category === 'string' ? v.new_category : undefined;
      if (!category) return;
      await this.repo.setCategory(key, category);
      this.changed();
    } else if (e.field === 'message_template_quality_update') {
      const score = typeof v.new_quality_score === 'string' ? v.new_quality_score.toUpperCase() : undefined;
      if (!score) return;
      await this.repo.setQualityScore(key, score);
    }
  }

  private async wabaNumber(tenantId: string, wabaId: string) {
    const number = await this.registry.numberOfWaba(tenantId, wabaId);
    if (!number) throw ApiError.notFound('WABA');
    return number;
  }
}

function rethrowGraph(err: unknown): never {
  if (err instanceof GraphCallError) throw graphErrorToApiError(err);
  throw err;
}
