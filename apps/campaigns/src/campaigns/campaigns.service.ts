import { Inject, Injectable } from '@nestjs/common';
import { ulid } from 'ulid';
import { ApiError } from '@wabridge/http';
import { Clock } from '@wabridge/time';
import { CLOCK } from '../campaigns.tokens';
import { CampaignsEnv } from '../campaigns.env';
import { NumbersRepository } from '../numbers/numbers.repository';
import type { SegmentFilter } from '../segments/segment-filter';
import { SegmentsRepository } from '../segments/segments.repository';
import { CampaignAction, nextCampaignStatus } from './campaign-state';
import { CreateCampaignBody, ListCampaignsQuery, ListRecipientsQuery } from './campaigns.dto';
import { CampaignRow, CampaignsRepository, RecipientStatus } from './campaigns.repository';
import { Readable } from 'node:stream';
import { CampaignCost, CampaignCostClient } from './cost.client';
import { ParametersReport, uploadParameters } from './parameters-upload';

/** At most this many impossible wa_ids are named in one 400. */
const MAX_NAMED_WA_IDS = 20;

/**
 * `audience.waIds` are checked as `POST /v1/messages` checks `to`: a possible phone number (a
 * country calling code that exists, a length its numbers can have). Meta refuses any other with
 * (#100) Invalid parameter, so such a recipient could only fail; the campaign is refused and
 * names each one. libs/meta (libphonenumber's metadata, ~10 MB) is loaded on the first list
 * checked, not at boot: most campaigns name tags or segments (ADR 0146).
 */
async function assertPossibleWaIds(waIds: string[]): Promise<void> {
  const { normalizeRecipientPhone } = await import('@wabridge/meta');
  const bad: { field: string; problems: string[] }[] = [];
  let count = 0;
  waIds.forEach((w, i) => {
    if (normalizeRecipientPhone(w) !== undefined) return;
    count++;
    if (bad.length < MAX_NAMED_WA_IDS) bad.push({ field: `audience.waIds[${i}]`, problems: [`${w} is not a phone number with its country code (wa_id)`] });
  });
  if (count > 0) {
    throw ApiError.badRequest(`audience.waIds: ${count} of ${waIds.length} are not phone numbers with their country code${count > bad.length ? ` (the first ${bad.length} named)` : ''}`, bad);
  }
}

export interface CampaignCounts {
  total: number;
  /** Not planned yet (waiting for its turn, the tier or the start). */
  pending: number;
  /** Given to the dispatcher, not sent yet. */
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
  /** Of `failed`: Meta's per-user marketing limit (131049), counted, never resent. */
  failedMarketingLimit: number;
}

export function campaignView(c: CampaignRow, counts?: CampaignCounts, cost?: CampaignCost | null) {
  return {
    id: c.id, name: c.name, status: c.status, phoneNumberId: c.phone_number_id, template: c.template, audience: summaryOf(c),
    parameters: c.parameters ?? null,
    startAt: c.start_at?.toISOString() ?? null, endAt: c.end_at?.toISOString() ?? null, expanded: c.expanded,
    createdAt: c.created_at.toISOString(), startedAt: c.started_at?.toISOString() ?? null, finishedAt: c.finished_at?.toISOString() ?? null,
    ...(counts ? { counts } : {}),
    ...(cost !== undefined ? { cost } : {}),
  };
}

/** Long recipient lists are summarized in views (the list itself is in the recipients). */
function summaryOf(c: CampaignRow): Record<string, unknown> {
  const a = c.audience;
  return {
    ...(a.segment ? { segmentId: a.segment.id, segment: a.segment.filter } : {}),
    ...(a.tags ? { tags: a.tags } : {}),
    ...(a.contactIds ? { contactIds: a.contactIds.length <= 100 ? a.contactIds : `${a.contactIds.length} contact ids` } : {}),
    ...(a.waIds ? { waIds: a.waIds.length <= 100 ? a.waIds : `${a.waIds.length} wa_ids` } : {}),
  };
}

/** Campaign management (DESIGN.md §12, ADR 0151): tenant-scoped, state changes guarded by the current state. */
@Injectable()
export class CampaignsService {
  private readonly costClient: CampaignCostClient;

  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly numbers: NumbersRepository,
    private readonly segments: SegmentsRepository,
    private readonly env: CampaignsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.costClient = new CampaignCostClient(env.ANALYTICS_URL, env.INTERNAL_TOKEN, env.CAMPAIGNS_ANALYTICS_TIMEOUT_MS);
  }

  async create(tenantId: string, body: CreateCampaignBody) {
    const a = body.audience;
    if (!a.tags && !a.contactIds && !a.waIds && !a.segmentId) throw ApiError.badRequest('audience: name segmentId, tags, contactIds or waIds', [{ field: 'audience', problems: ['audience must name segmentId, tags, contactIds or waIds'] }]);
    const listed = (a.contactIds?.length ?? 0) + (a.waIds?.length ?? 0);
    if (listed > this.env.CAMPAIGNS_MAX_LISTED_RECIPIENTS) {
      throw ApiError.badRequest(`audience: at most ${this.env.CAMPAIGNS_MAX_LISTED_RECIPIENTS} listed recipients; use tags for larger audiences`, [{ field: 'audience', problems: ['too many listed recipients'] }]);
    }
    if (a.waIds) await assertPossibleWaIds(a.waIds);
    const now = this.clock.now();
    if (body.startAt && body.endAt && Date.parse(body.endAt) <= Date.parse(body.startAt)) {
      throw ApiError.badRequest('endAt: must be after startAt', [{ field: 'endAt', problems: ['endAt must be after startAt'] }]);
    }
    if (body.endAt && Date.parse(body.endAt) <= now) throw ApiError.badRequest('endAt: must be in the future', [{ field: 'endAt', problems: ['endAt must be in the future'] }]);
    const number = await this.numbers.get(body.phoneNumberId);
    if (!number || number.tenant_id !== tenantId) throw ApiError.notFound('phone number');
    let segment: { id: string; filter: SegmentFilter } | undefined;
    if (a.segmentId) {
      const s = await this.segments.get(tenantId, a.segmentId);
      if (!s) throw ApiError.notFound('segment');
      if (s.phone_number_id !== body.phoneNumberId) throw ApiError.badRequest('audience.segmentId: the segment is of another number', [{ field: 'audience.segmentId', problems: [`segment ${s.id} filters the contacts of number ${s.phone_number_id}`] }]);
      segment = { id: s.id, filter: s.filter };
    }
    const audience = { ...(segment ? { segment } : {}), ...(a.tags ? { tags: a.tags } : {}), ...(a.contactIds ? { contactIds: [...new Set(a.contactIds)] } : {}), ...(a.waIds ? { waIds: [...new Set(a.waIds)] } : {}) };
    const template = { name: body.template.name, language: { code: body.template.language.code }, ...(body.template.components ? { components: body.template.components } : {}) };
    const row = await this.campaigns.insert({
      id: ulid(now), tenantId, name: body.name, phoneNumberId: body.phoneNumberId, template, audience,
      startAt: body.startAt ? new Date(body.startAt).toISOString() : undefined, endAt: body.endAt ? new Date(body.endAt).toISOString() : undefined, now: new Date(now),
    });
    return campaignView(row);
  }

  async list(tenantId: string, q: ListCampaignsQuery) {
    const limit = q.limit ?? 50;
    const rows = await this.campaigns.list(tenantId, { status: q.status, cursor: q.cursor, limit });
    return { data: rows.map((r) => campaignView(r)), nextCursor: rows.length === limit ? rows[rows.length - 1]!.id : null };
  }

  async get(tenantId: string, id: string) {
    const row = await this.campaigns.get(tenantId, id);
    if (!row) throw ApiError.notFound('campaign');
    // cost from analytics, the owner of pricing (ADR 0155); null when it cannot answer in time
    const [counts, costs] = await Promise.all([this.counts(tenantId, id), this.costClient.costs(tenantId, [id])]);
    return campaignView(row, counts, costs ? (costs.get(id) ?? null) : null);
  }

  uploadParameters(tenantId: string, id: string, body: Readable): Promise<ParametersReport> {
    return uploadParameters(this.campaigns, tenantId, id, body, this.env.CAMPAIGNS_PARAMETERS_MAX_BYTES, new Date(this.clock.now()));
  }

  async counts(tenantId: string, id: string): Promise<CampaignCounts> {
    const counts: CampaignCounts = { total: 0, pending: 0, queued: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0, failedMarketingLimit: 0 };
    for (const r of await this.campaigns.counts(tenantId, id)) {
      counts[r.status as RecipientStatus] += r.n;
      counts.total += r.n;
      counts.failedMarketingLimit += r.marketing_limited;
    }
    return counts;
  }

  /**
   * start / pause / resume / cancel. The runner reads the status before every plan it produces,
   * so a pause or cancel stops new sends within one tick (CAMPAIGNS_TICK_MS); what was already
   * given to the dispatcher (at most about a second of the number's rate) still goes.
   */
  async act(tenantId: string, id: string, action: CampaignAction) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await this.campaigns.get(tenantId, id);
      if (!row) throw ApiError.notFound('campaign');
      const now = this.clock.now();
      const next = nextCampaignStatus(row.status, action, row.start_at?.getTime() ?? null, now);
      if (!next) throw ApiError.conflict(`campaign ${id} is ${row.status}: cannot ${action}`, { status: row.status });
      if (next === row.status || (await this.campaigns.transition(tenantId, id, row.status, next, new Date(now)))) {
        return { id, status: next };
      }
    }
    throw ApiError.conflict(`campaign ${id} changed concurrently; retry`);
  }

  async recipients(tenantId: string, id: string, q: ListRecipientsQuery) {
    if (!(await this.campaigns.get(tenantId, id))) throw ApiError.notFound('campaign');
    const limit = q.limit ?? 100;
    const rows = await this.campaigns.recipients(tenantId, id, { status: q.status, afterSeq: q.cursor, limit });
    return {
      data: rows.map((r) => ({
        recipient: r.recipient, contactId: r.contact_id, messageId: r.message_id, status: r.status, reason: r.reason, errorCode: r.error_code,
        queuedAt: r.queued_at?.toISOString() ?? null,
      })),
      nextCursor: rows.length === limit ? rows[rows.length - 1]!.seq : null,
    };
  }
}
