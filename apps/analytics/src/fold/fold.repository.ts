import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Queryable } from '@wabridge/database';
import { LatencySketch } from './latency-sketch';
import { CountIncrement, factChanges, hourOf, LatencySample, MessageFact, mergeFact, MILESTONES, Observation } from './message-fact';

interface FactRow {
  tenant_id: string; message_key: string; phone_number_id: string; recipient: string | null; wamid: string | null;
  accepted_at: Date | null; sent_at: Date | null; delivered_at: Date | null; read_at: Date | null; failed_at: Date | null; rejected_at: Date | null;
  error_class: string | null; error_code: number | null; template_name: string | null; template_language: string | null;
  priced_at: Date | null; pricing_model: string | null; pricing_category: string | null; pricing_type: string | null;
  billable: boolean | null; billing_unit: string | null; market: string | null; campaign_id: string | null;
}

/** A thing counted once by its key alone (an inbound wamid, an account event id). */
export interface KeyedCount {
  tenantId: string;
  key: string;
  count: CountIncrement;
}

export interface FoldResult {
  /** Counter increments written (after dedupe). */
  increments: number;
  samples: number;
}

const iso = (t: number | undefined): string | null => (t === undefined ? null : new Date(t).toISOString());

/**
 * The fold's SQL (ADR 0120): a batch of events becomes a handful of statements in one
 * transaction, whatever its size — lock-or-create the facts (one upsert), write what changed
 * (one update), record billing units (one insert), add to the counters (one upsert) and merge
 * the sketches (three statements, only when a batch completes a latency pair). Rows are always
 * touched in key order, so concurrent batches (other partitions, other replicas) cannot deadlock.
 */
@Injectable()
export class FoldRepository {
  constructor(private readonly ds: DataSource) {}

  async foldMessages(observations: Observation[], now: Date): Promise<FoldResult> {
    const byKey = new Map<string, Observation[]>();
    for (const o of observations) {
      const k = `${o.tenantId}\u0000${o.messageKey}`;
      const list = byKey.get(k);
      if (list) list.push(o);
      else byKey.set(k, [o]);
    }
    const keys = [...byKey.keys()].sort();
    return this.ds.transaction(async (m) => {
      const seeds = keys.map((k) => { const o = byKey.get(k)![0]!; return { tenant_id: o.tenantId, message_key: o.messageKey, phone_number_id: o.phoneNumberId }; });
      // Creates missing facts and locks every fact of the batch, answering its current state.
      const rows = await m.query<FactRow[]>(
        `INSERT INTO message_facts AS f (tenant_id, message_key, phone_number_id, updated_at)
         SELECT v.tenant_id, v.message_key, v.phone_number_id, $2 FROM jsonb_to_recordset($1::jsonb) AS v(tenant_id text, message_key text, phone_number_id text)
         ON CONFLICT (tenant_id, message_key) DO UPDATE SET updated_at = f.updated_at
         RETURNING f.*`,
        [JSON.stringify(seeds), now],
      );
      const current = new Map(rows.map((r) => [`${r.tenant_id}\u0000${r.message_key}`, fromRow(r)]));
      const changed: MessageFact[] = [];
      const counts: CountIncrement[] = [];
      const tenantsOf = new Map<CountIncrement, string>();
      const samples: (LatencySample & { tenantId: string })[] = [];
      const titles = new Map<string, { tenantId: string; code: number; title: string; at: number }>();
      for (const k of keys) {
        const before = current.get(k);
        let after = before;
        for (const o of byKey.get(k)!) after = mergeFact(after, o);
        if (!after || !before || sameFact(before, after)) continue;
        changed.push(after);
        const c = factChanges(before, after);
        for (const inc of c.counts) { counts.push(inc); tenantsOf.set(inc, after.tenantId); }
        for (const s of c.samples) samples.push({ ...s, tenantId: after.tenantId });
        if (c.errorTitle) titles.set(`${after.tenantId}\u0000${c.errorTitle.code}`, { tenantId: after.tenantId, ...c.errorTitle });
      }
      if (changed.length > 0) await this.writeFacts(m, changed, now);
      await this.dedupeBillingUnits(m, counts, tenantsOf, now);
      await this.addCounts(m, counts.map((c) => ({ tenantId: tenantsOf.get(c)!, count: c })));
      await this.mergeSamples(m, samples);
      if (titles.size > 0) await this.writeTitles(m, [...titles.values()]);
      return { increments: counts.length, samples: samples.length };
    });
  }

  /** Counts each key once per tenant (inbound messages by wamid, account events by id). */
  async foldKeyed(items: KeyedCount[], now: Date): Promise<FoldResult> {
    const unique = new Map<string, KeyedCount>();
    for (const i of items) if (!unique.has(`${i.tenantId}\u0000${i.key}`)) unique.set(`${i.tenantId}\u0000${i.key}`, i);
    const sorted = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    if (sorted.length === 0) return { increments: 0, samples: 0 };
    return this.ds.transaction(async (m) => {
      const fresh = await m.query<{ tenant_id: string; key: string }[]>(
        `INSERT INTO seen_keys (tenant_id, key, seen_at)
         SELECT v.tenant_id, v.key, $2 FROM jsonb_to_recordset($1::jsonb) AS v(tenant_id text, key text)
         ON CONFLICT DO NOTHING RETURNING tenant_id, key`,
        [JSON.stringify(sorted.map((i) => ({ tenant_id: i.tenantId, key: i.key }))), now],
      );
      const isNew = new Set(fresh.map((r) => `${r.tenant_id}\u0000${r.key}`));
      const counts = sorted.filter((i) => isNew.has(`${i.tenantId}\u0000${i.key}`)).map((i) => ({ tenantId: i.tenantId, count: i.count }));
      await this.addCounts(m, counts);
      return { increments: counts.length, samples: 0 };
    });
  }

  private async writeFacts(m: Queryable, facts: MessageFact[], now: Date): Promise<void> {
    const rows = facts.map((f) => ({
      tenant_id: f.tenantId, message_key: f.messageKey, recipient: f.recipient ?? null, wamid: f.wamid ?? null,
      accepted_at: iso(f.at.accepted), sent_at: iso(f.at.sent), delivered_at: iso(f.at.delivered), read_at: iso(f.at.read),
      failed_at: iso(f.at.failed), rejected_at: iso(f.at.rejected), error_class: f.error?.class ?? null, error_code: f.error?.code ?? null,
      template_name: f.template?.name ?? null, template_language: f.template?.language ?? null,
      priced_at: iso(f.pricing?.at), pricing_model: f.pricing?.model ?? null, pricing_category: f.pricing?.category ?? null,
      pricing_type: f.pricing?.type ?? null, billable: f.pricing?.billable ?? null, billing_unit: f.pricing?.billingUnit ?? null, market: f.pricing?.market ?? null,
      campaign_id: f.campaignId ?? null,
    }));
    await m.query(
      `UPDATE message_facts f SET recipient = v.recipient, wamid = v.wamid, accepted_at = v.accepted_at, sent_at = v.sent_at,
         delivered_at = v.delivered_at, read_at = v.read_at, failed_at = v.failed_at, rejected_at = v.rejected_at,
         error_class = v.error_class, error_code = v.error_code, template_name = v.template_name, template_language = v.template_language,
         priced_at = v.priced_at, pricing_model = v.pricing_model, pricing_category = v.pricing_category, pricing_type = v.pricing_type,
         billable = v.billable, billing_unit = v.billing_unit, market = v.market, campaign_id = v.campaign_id, updated_at = $2
       FROM jsonb_to_recordset($1::jsonb) AS v(tenant_id text, message_key text, recipient text, wamid text, accepted_at timestamptz,
         sent_at timestamptz, delivered_at timestamptz, read_at timestamptz, failed_at timestamptz, rejected_at timestamptz,
         error_class text, error_code integer, template_name text, template_language text, priced_at timestamptz, pricing_model text,
         pricing_category text, pricing_type text, billable boolean, billing_unit text, market text, campaign_id text)
       WHERE f.tenant_id = v.tenant_id AND f.message_key = v.message_key`,
      [JSON.stringify(rows), now],
    );
  }

  /**
   * A CBP conversation is charged once, whichever of its messages reports it first: a billable
   * count whose unit was already seen becomes `billable_in_conversation` (kept, not dropped).
   */
  private async dedupeBillingUnits(m: Queryable, counts: CountIncrement[], tenantsOf: Map<CountIncrement, string>, now: Date): Promise<void> {
    const withUnit = counts.filter((c) => c.billingUnit);
    if (withUnit.length === 0) return;
    const units = [...new Set(withUnit.map((c) => `${tenantsOf.get(c)!}\u0000bill:${c.billingUnit!}`))].sort();
    const fresh = await m.query<{ tenant_id: string; key: string }[]>(
      `INSERT INTO seen_keys (tenant_id, key, seen_at)
       SELECT v.tenant_id, v.key, $2 FROM jsonb_to_recordset($1::jsonb) AS v(tenant_id text, key text)
       ON CONFLICT DO NOTHING RETURNING tenant_id, key`,
      [JSON.stringify(units.map((u) => { const [tenant_id, key] = u.split('\u0000'); return { tenant_id, key }; })), now],
    );
    const firstOf = new Set(fresh.map((r) => `${r.tenant_id}\u0000${r.key}`));
    for (const c of withUnit) {
      const unit = `${tenantsOf.get(c)!}\u0000bill:${c.billingUnit!}`;
      if (firstOf.has(unit)) firstOf.delete(unit); // the first message of the conversation in this batch carries the charge
      else c.metric = `${c.metric}_in_conversation`; // billable_in_conversation, campaign_billable_in_conversation
    }
  }

  private async addCounts(m: Queryable, items: { tenantId: string; count: CountIncrement }[]): Promise<void> {
    if (items.length === 0) return;
    const sums = new Map<string, { tenant_id: string; phone_number_id: string; hour: string; metric: string; d1: string; d2: string; d3: string; d4: string; count: number }>();
    for (const { tenantId, count: c } of items) {
      const row = {
        tenant_id: tenantId, phone_number_id: c.phoneNumberId, hour: hourOf(c.at).toISOString(), metric: c.metric,
        d1: c.dims[0] ?? '', d2: c.dims[1] ?? '', d3: c.dims[2] ?? '', d4: c.dims[3] ?? '', count: 1,
      };
      const k = [row.tenant_id, row.hour, row.phone_number_id, row.metric, row.d1, row.d2, row.d3, row.d4].join('\u0000');
      const s = sums.get(k);
      if (s) s.count++;
      else sums.set(k, row);
    }
    const rows = [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    await m.query(
      `INSERT INTO hourly_counts AS c (tenant_id, phone_number_id, hour, metric, d1, d2, d3, d4, count)
       SELECT v.tenant_id, v.phone_number_id, v.hour, v.metric, v.d1, v.d2, v.d3, v.d4, v.count
       FROM jsonb_to_recordset($1::jsonb) AS v(tenant_id text, phone_number_id text, hour timestamptz, metric text, d1 text, d2 text, d3 text, d4 text, count bigint)
       ON CONFLICT (tenant_id, hour, phone_number_id, metric, d1, d2, d3, d4) DO UPDATE SET count = c.count + EXCLUDED.count`,
      [JSON.stringify(rows)],
    );
  }

  /** Merges new samples into the hour's sketches: rows created empty, locked, read, merged, written back. */
  private async mergeSamples(m: Queryable, samples: (LatencySample & { tenantId: string })[]): Promise<void> {
    if (samples.length === 0) return;
    const groups = new Map<string, { tenant_id: string; phone_number_id: string; hour: string; pair: string; sketch: LatencySketch }>();
    for (const s of samples) {
      const hour = hourOf(s.at).toISOString();
      const k = [s.tenantId, hour, s.phoneNumberId, s.pair].join('\u0000');
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { tenant_id: s.tenantId, phone_number_id: s.phoneNumberId, hour, pair: s.pair, sketch: LatencySketch.empty() }));
      g.sketch.record(s.ms);
    }
    const sorted = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    const keysJson = JSON.stringify(sorted.map(({ sketch: _s, ...k }) => k));
    const empty = LatencySketch.empty().encode();
    await m.query(
      `INSERT INTO latency_sketches (tenant_id, phone_number_id, hour, pair, histogram, samples)
       SELECT v.tenant_id, v.phone_number_id, v.hour, v.pair, $2, 0 FROM jsonb_to_recordset($1::jsonb) AS v(tenant_id text, phone_number_id text, hour timestamptz, pair text)
       ON CONFLICT DO NOTHING`,
      [keysJson, empty],
    );
    const existing = await m.query<{ tenant_id: string; phone_number_id: string; hour: Date; pair: string; histogram: string }[]>(
      `SELECT s.tenant_id, s.phone_number_id, s.hour, s.pair, s.histogram FROM latency_sketches s
       JOIN jsonb_to_recordset($1::jsonb) AS v(tenant_id text, phone_number_id text, hour timestamptz, pair text)
         ON s.tenant_id = v.tenant_id AND s.phone_number_id = v.phone_number_id AND s.hour = v.hour AND s.pair = v.pair
       ORDER BY s.tenant_id, s.hour, s.phone_number_id, s.pair FOR UPDATE OF s`,
      [keysJson],
    );
    const merged = existing.map((r) => {
      const g = groups.get([r.tenant_id, r.hour.toISOString(), r.phone_number_id, r.pair].join('\u0000'))!;
      const sketch = LatencySketch.decode(r.histogram).merge(g.sketch);
      return { tenant_id: r.tenant_id, phone_number_id: r.phone_number_id, hour: g.hour, pair: r.pair, histogram: sketch.encode(), samples: sketch.samples };
    });
    await m.query(
      `UPDATE latency_sketches s SET histogram = v.histogram, samples = v.samples
       FROM jsonb_to_recordset($1::jsonb) AS v(tenant_id text, phone_number_id text, hour timestamptz, pair text, histogram text, samples bigint)
       WHERE s.tenant_id = v.tenant_id AND s.phone_number_id = v.phone_number_id AND s.hour = v.hour AND s.pair = v.pair`,
      [JSON.stringify(merged)],
    );
  }

  private async writeTitles(m: Queryable, titles: { tenantId: string; code: number; title: string; at: number }[]): Promise<void> {
    const rows = titles.sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : a.code - b.code))
      .map((t) => ({ tenant_id: t.tenantId, code: t.code, title: t.title, updated_at: new Date(t.at).toISOString() }));
    await m.query(
      `INSERT INTO error_titles AS e (tenant_id, code, title, updated_at)
       SELECT v.tenant_id, v.code, v.title, v.updated_at FROM jsonb_to_recordset($1::jsonb) AS v(tenant_id text, code integer, title text, updated_at timestamptz)
       ON CONFLICT (tenant_id, code) DO UPDATE SET title = EXCLUDED.title, updated_at = EXCLUDED.updated_at WHERE e.updated_at <= EXCLUDED.updated_at`,
      [JSON.stringify(rows)],
    );
  }
}

function fromRow(r: FactRow): MessageFact {
  const t = (d: Date | null): number | undefined => (d ? d.getTime() : undefined);
  const at: MessageFact['at'] = {};
  const cols = { accepted: r.accepted_at, sent: r.sent_at, delivered: r.delivered_at, read: r.read_at, failed: r.failed_at, rejected: r.rejected_at };
  for (const m of MILESTONES) { const v = t(cols[m]); if (v !== undefined) at[m] = v; }
  return {
    tenantId: r.tenant_id, messageKey: r.message_key, phoneNumberId: r.phone_number_id, at,
    ...(r.recipient ? { recipient: r.recipient } : {}), ...(r.wamid ? { wamid: r.wamid } : {}),
    ...(r.error_class ? { error: { class: r.error_class, ...(r.error_code !== null ? { code: r.error_code } : {}) } } : {}),
    ...(r.template_name !== null ? { template: { name: r.template_name, language: r.template_language ?? '' } } : {}),
    ...(r.campaign_id !== null ? { campaignId: r.campaign_id } : {}),
    ...(r.priced_at ? {
      pricing: {
        at: r.priced_at.getTime(), model: r.pricing_model ?? '', category: r.pricing_category ?? '', type: r.pricing_type ?? '',
        billable: r.billable ?? false, market: r.market ?? '', ...(r.billing_unit ? { billingUnit: r.billing_unit } : {}),
      },
    } : {}),
  };
}

function sameFact(a: MessageFact, b: MessageFact): boolean {
  return a.recipient === b.recipient && a.wamid === b.wamid && MILESTONES.every((m) => a.at[m] === b.at[m])
    && (a.error === undefined) === (b.error === undefined) && (a.template === undefined) === (b.template === undefined)
    && (a.pricing === undefined) === (b.pricing === undefined) && a.campaignId === b.campaignId;
}
