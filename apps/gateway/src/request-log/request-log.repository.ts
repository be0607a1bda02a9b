import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteInChunks, returnedRows } from '@wabridge/database';
import { ulidFloor } from '../messages/messages.repository';
import { DATA_SOURCE } from '../tokens';
import { RequestLogRow } from './request-log.entry';

export interface RequestLogFilter {
  /** Exact status (`404`) or a class (`4xx`). */
  status?: string;
  /** Path prefix, e.g. `/v1/messages`. */
  path?: string;
  since?: string;
  cursor?: string;
  limit: number;
}

interface DbRow {
  id: string; at: Date; method: string; path: string; status: number; latency_ms: number; idempotency_key: string | null;
  error_code: string | null; request_body: unknown; response_body: unknown;
}

export interface RequestLogView {
  id: string; at: string; method: string; path: string; status: number; latencyMs: number;
  idempotencyKey?: string; errorCode?: string; requestBody?: unknown; responseBody?: unknown;
}

export function requestLogView(r: DbRow): RequestLogView {
  return {
    id: r.id, at: r.at.toISOString(), method: r.method, path: r.path, status: r.status, latencyMs: r.latency_ms,
    ...(r.idempotency_key !== null ? { idempotencyKey: r.idempotency_key } : {}),
    ...(r.error_code !== null ? { errorCode: r.error_code } : {}),
    ...(r.request_body !== null ? { requestBody: r.request_body } : {}),
    ...(r.response_body !== null ? { responseBody: r.response_body } : {}),
  };
}

/** The request log's SQL (ADR 0180). */
@Injectable()
export class RequestLogRepository {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  /** One INSERT for a whole batch (arrays unnested), whatever its size. */
  async insertMany(rows: RequestLogRow[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <K extends keyof RequestLogRow>(k: K): RequestLogRow[K][] => rows.map((r) => r[k]);
    await this.db.query(
      `INSERT INTO request_logs (id, tenant_id, at, method, path, status, latency_ms, idempotency_key, error_code, request_body, response_body)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::smallint[], $7::int[], $8::text[], $9::text[], $10::jsonb[], $11::jsonb[])
       ON CONFLICT (id) DO NOTHING`,
      [col('id'), col('tenantId'), col('at'), col('method'), col('path'), col('status'), col('latencyMs'), col('idempotencyKey'), col('errorCode'), col('requestBody'), col('responseBody')],
    );
  }

  async list(tenantId: string, f: RequestLogFilter): Promise<RequestLogView[]> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    const add = (sql: string, v: unknown): void => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.status) {
      const cls = /^([1-5])xx$/i.exec(f.status);
      if (cls) {
        add('status >= ?', Number(cls[1]) * 100);
        add('status < ?', Number(cls[1]) * 100 + 100);
      } else add('status = ?', Number(f.status));
    }
    if (f.path) add("path LIKE ? ESCAPE '\\'", `${f.path.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (f.since) {
      add('id >= ?', ulidFloor(Date.parse(f.since)));
      add('at >= ?', f.since);
    }
    if (f.cursor) add('id < ?', f.cursor);
    params.push(f.limit);
    const rows: DbRow[] = await this.db.query(`SELECT * FROM request_logs WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length}`, params);
    return rows.map(requestLogView);
  }

  /**
   * GDPR erasure (ADR 0075): deletes the tenant's rows that name the user anywhere (path, bodies).
   * A scan of the tenant's rows, bounded by the retention; erasures are rare.
   */
  async eraseMentions(tenantId: string, needles: string[]): Promise<number> {
    if (needles.length === 0) return 0;
    const patterns = needles.map((n) => `%${n.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const rows = await this.db.query(
      `DELETE FROM request_logs WHERE tenant_id = $1
         AND (path LIKE ANY($2) OR request_body::text LIKE ANY($2) OR response_body::text LIKE ANY($2)) RETURNING id`,
      [tenantId, patterns],
    );
    return returnedRows(rows).length;
  }

  /** Deletes rows recorded before `before`, in chunks (ADR 0076); the ULID key bounds it. */
  prune(before: Date, chunk = 5000): Promise<number> {
    return deleteInChunks(this.db, 'request_logs', 'id < $1 AND at < $2', [ulidFloor(before.getTime()), before], chunk);
  }
}
