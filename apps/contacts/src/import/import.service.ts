import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import { ApiError, CsvParser, CsvSyntaxError, discardRest, mediaTypeOf } from '@wabridge/http';
import { counter } from '@wabridge/telemetry';
import { CLOCK, Clock } from '../common/clock';
import { ContactsEnv } from '../contacts.env';
import { normalizeTags } from '../contacts/contact.model';
import { ContactsRepository } from '../contacts/contacts.repository';
import { NumbersRepository } from '../numbers/numbers.repository';
import { csvRecordToObject, ImportRow, normalizeImportRow } from './import-row';
import { JsonRowsParser, JsonRowsSyntaxError, RecordTooLargeError } from './json-rows-parser';

const importedRows = counter('contacts_import_rows_total', 'Import rows by outcome', ['outcome']);

export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: { line: number; error: string }[];
  /** More rows failed than are listed (CONTACTS_IMPORT_MAX_ERRORS). */
  errorsTruncated: boolean;
  /** Set when the document itself was broken; rows before that point were imported. */
  aborted?: { line: number; error: string };
}

function toBytes(chunk: unknown): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Uint8Array);
}

export type ImportFormat = 'csv' | 'json';

export function importFormat(contentType: string | undefined): ImportFormat | undefined {
  const type = mediaTypeOf(contentType);
  if (type === 'text/csv') return 'csv';
  if (type === 'application/json' || type === 'application/x-ndjson') return 'json';
  return undefined;
}

/** A row of the document on its way to the database. */
interface Pending {
  line: number;
  row: ImportRow;
}

/**
 * Streams an upload (CSV, JSON array or NDJSON) into the contact book in batches: the request
 * is read as the database keeps up, so memory holds one batch, not the file. Bad rows are
 * reported by line and skipped; the rest go in. Re-importing the same file changes nothing.
 */
@Injectable()
export class ImportService {
  constructor(
    private readonly ds: DataSource,
    private readonly contacts: ContactsRepository,
    private readonly numbers: NumbersRepository,
    private readonly env: ContactsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async import(tenantId: string, body: Readable, format: ImportFormat, defaults: { phoneNumberId?: string }): Promise<ImportReport> {
    const report: ImportReport = { rows: 0, created: 0, updated: 0, unchanged: 0, failed: 0, errors: [], errorsTruncated: false };
    const batchSize = this.env.CONTACTS_IMPORT_BATCH_ROWS;
    const limits = { maxAttributesBytes: this.env.CONTACTS_MAX_ATTRIBUTES_BYTES };
    let batch: Pending[] = [];
    const fail = (line: number, error: string): void => {
      report.failed++;
      importedRows.inc({ outcome: 'failed' });
      if (report.errors.length < this.env.CONTACTS_IMPORT_MAX_ERRORS) report.errors.push({ line, error });
      else report.errorsTruncated = true;
    };
    const accept = async (line: number, value: unknown): Promise<void> => {
      report.rows++;
      const r = normalizeImportRow(value, defaults, limits);
      if (!r.ok) return fail(line, r.error);
      batch.push({ line, row: r.row });
      if (batch.length >= batchSize) {
        const full = batch;
        batch = [];
        await this.flush(tenantId, full, report, fail);
      }
    };

    const decoder = new TextDecoder('utf-8');
    try {
      if (format === 'csv') {
        const parser = new CsvParser(',', this.env.CONTACTS_IMPORT_MAX_RECORD_BYTES);
        let header: string[] | undefined;
        const onRecords = async (records: ReturnType<CsvParser['push']>): Promise<void> => {
          for (const rec of records) {
            if (!header) {
              header = rec.fields.map((h) => h.trim());
              if (!header.includes('phone') && !header.includes('waId')) {
                throw ApiError.badRequest('the CSV header needs a "phone" or "waId" column', { header });
              }
              continue;
            }
            const obj = csvRecordToObject(header, rec.fields);
            if (typeof obj === 'string') {
              report.rows++;
              fail(rec.line, obj);
            } else await accept(rec.line, obj);
          }
        };
        for await (const chunk of body.iterator({ destroyOnReturn: false })) await onRecords(parser.push(decoder.decode(toBytes(chunk), { stream: true })));
        await onRecords(parser.push(decoder.decode()));
        await onRecords(parser.end());
        if (!header) throw ApiError.badRequest('the CSV is empty (a header row is required)');
      } else {
        const parser = new JsonRowsParser(this.env.CONTACTS_IMPORT_MAX_RECORD_BYTES);
        const onRows = async (rows: ReturnType<JsonRowsParser['push']>): Promise<void> => {
          for (const row of rows) {
            let value: unknown;
            try {
              value = JSON.parse(row.text);
            } catch (err) {
              report.rows++;
              fail(row.line, `not valid JSON: ${(err as Error).message.slice(0, 200)}`);
              continue;
            }
            await accept(row.line, value);
          }
        };
        for await (const chunk of body.iterator({ destroyOnReturn: false })) await onRows(parser.push(decoder.decode(toBytes(chunk), { stream: true })));
        await onRows(parser.push(decoder.decode()));
        await onRows(parser.end());
      }
    } catch (err) {
      if (err instanceof CsvSyntaxError || err instanceof JsonRowsSyntaxError) {
        report.aborted = { line: err.line, error: err.message };
      } else if (err instanceof RecordTooLargeError) {
        // Everything before the record goes in (re-importing the fixed file is idempotent).
        if (batch.length > 0) await this.flush(tenantId, batch, report, fail);
        const clean = await discardRest(body);
        throw new ApiError(413, 'record_too_large',
          `line ${err.line}: one record is larger than ${err.limitBytes} bytes (CONTACTS_IMPORT_MAX_RECORD_BYTES); the rows before it were imported`,
          { line: err.line, limitBytes: err.limitBytes, report }, clean ? undefined : { connection: 'close' });
      } else {
        await discardRest(body);
        throw err;
      }
    }
    if (batch.length > 0) await this.flush(tenantId, batch, report, fail);
    return report;
  }

  private async flush(tenantId: string, batch: Pending[], report: ImportReport, fail: (line: number, error: string) => void): Promise<void> {
    // A number owned by another tenant is refused; one not announced yet is accepted.
    const owners = await this.numbers.ownerOf(this.ds, [...new Set(batch.map((p) => p.row.phoneNumberId))]);
    const byKey = new Map<string, Pending>();
    let merged = 0;
    for (const p of batch) {
      const owner = owners.get(p.row.phoneNumberId);
      if (owner !== undefined && owner !== tenantId) {
        fail(p.line, `phoneNumberId: ${p.row.phoneNumberId} is not a number of this tenant`);
        continue;
      }
      const key = `${p.row.phoneNumberId}:${p.row.waId}`;
      const prev = byKey.get(key);
      if (prev) {
        // the same contact twice in one batch: apply both, as two batches would
        merged++;
        prev.row = {
          ...p.row,
          profileName: p.row.profileName ?? prev.row.profileName,
          attributes: { ...prev.row.attributes, ...p.row.attributes },
          tags: normalizeTags([...prev.row.tags, ...p.row.tags]),
          optIn: prev.row.optIn || p.row.optIn,
        };
      } else byKey.set(key, { ...p });
    }
    const rows = [...byKey.values()].map((p) => p.row);
    if (rows.length === 0) return;
    const { created, updated } = await this.contacts.upsertImported(this.ds, tenantId, rows, rows.map(() => ulid()), this.clock.now());
    report.created += created;
    report.updated += updated;
    report.unchanged += rows.length - created - updated + merged;
    importedRows.inc({ outcome: 'created' }, created);
    importedRows.inc({ outcome: 'updated' }, updated);
  }
}
