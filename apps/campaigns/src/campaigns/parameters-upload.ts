import { Readable } from 'node:stream';
import { ApiError, CsvParser, CsvSyntaxError, RecordTooLargeError } from '@wabridge/http';
import { CampaignsRepository } from './campaigns.repository';

/** One refused line of an upload. */
export interface LineError { line: number; error: string }

export interface ParametersReport {
  /** Data rows read (the header not counted). */
  rows: number;
  /** Rows stored (distinct recipients; a later row of the same wa_id replaced an earlier one). */
  stored: number;
  columns: string[];
  /** The first 100 refused lines. */
  errors: LineError[];
  errorCount: number;
}

const COLUMN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_COLUMNS = 20;
const MAX_VALUE = 1024;
const MAX_RECORD_BYTES = 64 * 1024;
const BATCH = 1000;
const KEPT_ERRORS = 100;

/** A recipient column's value as a wa_id (digits, 7-15), or why not. */
export function waIdOf(raw: string): string | { error: string } {
  const v = raw.trim().replace(/[\s().-]/g, '').replace(/^\+/, '');
  return /^\d{7,15}$/.test(v) ? v : { error: `"${raw.slice(0, 40)}" is not a phone number (wa_id, 7-15 digits)` };
}

/** The header's parameter columns, or the 400 that refuses it. */
export function parameterColumns(header: string[]): string[] {
  const first = header[0]?.trim();
  if (first !== 'waId' && first !== 'phone') throw ApiError.badRequest('the CSV header must start with "waId" (or "phone"), then one column per parameter', { header: header.slice(0, 30) });
  const columns = header.slice(1).map((h) => h.trim());
  if (columns.length === 0) throw ApiError.badRequest('the CSV header names no parameter column after waId');
  if (columns.length > MAX_COLUMNS) throw ApiError.badRequest(`at most ${MAX_COLUMNS} parameter columns`);
  const bad = columns.filter((c) => !COLUMN.test(c));
  if (bad.length > 0) throw ApiError.badRequest('parameter column names are letters, digits and _ (starting with a letter), at most 64', { columns: bad.slice(0, 20) });
  if (new Set(columns).size !== columns.length) throw ApiError.badRequest('parameter column names must be unique');
  return columns;
}

/**
 * `PUT /v1/campaigns/:id/parameters` (ADR 0156): a CSV `waId,<name>,…`, streamed (one batch of
 * rows in memory), at most `maxBytes`, replaces the campaign's parameters in one transaction while
 * it is a draft. A bad line is reported (`errors: [{line, error}]`) and skipped; the rest is stored.
 */
export async function uploadParameters(repo: CampaignsRepository, tenantId: string, id: string, body: Readable, maxBytes: number, now: Date): Promise<ParametersReport> {
  return repo.withLockedCampaign(tenantId, id, async (m, campaign) => {
    if (!campaign) throw ApiError.notFound('campaign');
    if (campaign.status !== 'draft') throw new ApiError(409, 'campaign_not_draft', `parameters can only be uploaded while the campaign is a draft (it is ${campaign.status})`, { status: campaign.status });
    await repo.clearParameters(m, id);
    const report: ParametersReport = { rows: 0, stored: 0, columns: [], errors: [], errorCount: 0 };
    const fail = (line: number, error: string): void => {
      report.errorCount++;
      if (report.errors.length < KEPT_ERRORS) report.errors.push({ line, error });
    };
    const parser = new CsvParser(',', MAX_RECORD_BYTES);
    const decoder = new TextDecoder('utf-8');
    const seen = new Set<string>();
    let header: string[] | undefined;
    let batch: { recipient: string; values: Record<string, string> }[] = [];
    const onRecords = async (records: ReturnType<CsvParser['push']>): Promise<void> => {
      for (const rec of records) {
        if (!header) {
          header = rec.fields;
          report.columns = parameterColumns(header);
          continue;
        }
        report.rows++;
        if (rec.fields.length !== header.length) { fail(rec.line, `${rec.fields.length} fields; the header has ${header.length}`); continue; }
        const waId = waIdOf(rec.fields[0]!);
        if (typeof waId !== 'string') { fail(rec.line, waId.error); continue; }
        const long = report.columns.find((_c, i) => rec.fields[i + 1]!.length > MAX_VALUE);
        if (long) { fail(rec.line, `${long}: longer than ${MAX_VALUE} characters`); continue; }
        batch.push({ recipient: waId, values: Object.fromEntries(report.columns.map((c, i) => [c, rec.fields[i + 1]!.trim()])) });
        seen.add(waId);
        if (batch.length >= BATCH) {
          await repo.putParameters(m, id, batch);
          batch = [];
        }
      }
    };
    let bytes = 0;
    try {
      for await (const chunk of body.iterator({ destroyOnReturn: false })) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        bytes += buf.length;
        if (bytes > maxBytes) {
          throw new ApiError(413, 'payload_too_large', `the CSV is larger than ${maxBytes} bytes (CAMPAIGNS_PARAMETERS_MAX_BYTES)`, undefined, { connection: 'close' });
        }
        await onRecords(parser.push(decoder.decode(buf, { stream: true })));
      }
      await onRecords(parser.push(decoder.decode()));
      await onRecords(parser.end());
    } catch (err) {
      if (err instanceof CsvSyntaxError) throw ApiError.badRequest(`line ${err.line}: ${err.message}`, { line: err.line });
      if (err instanceof RecordTooLargeError) throw new ApiError(413, 'payload_too_large', `line ${err.line}: a row is larger than ${err.limitBytes} bytes`, { line: err.line });
      throw err;
    }
    if (!header) throw ApiError.badRequest('the CSV is empty (a header "waId,<name>,…" is required)');
    await repo.putParameters(m, id, batch);
    report.stored = seen.size;
    await repo.setParametersSummary(m, id, { columns: report.columns, rows: report.stored, uploadedAt: now.toISOString() });
    return report;
  });
}
