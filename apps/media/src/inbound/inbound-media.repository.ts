import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MediaFailureReason } from '@wabridge/contracts';

/** One inbound media object to fetch (a row of `inbound_media`). */
export interface InboundJob {
  tenantId: string;
  metaMediaId: string;
  /** Our media id (deterministic, ADR 0102); also the storage key. */
  id: string;
  phoneNumberId: string;
  wamid: string;
  messageType: string;
  filename: string | null;
  /** Fetch rounds already tried. */
  attempts: number;
}

/** Who sent an inbound media message (`wa_id`, and the BSUID); kept for erasure (ADR 0113). */
export interface Sender {
  waId?: string | null;
  userId?: string | null;
}

export interface InboundState {
  id: string;
  status: 'pending' | 'stored' | 'failed';
  attempts: number;
  nextAttemptAt: Date | null;
  failureReason: MediaFailureReason | null;
  lastError: string | null;
}

/** What the stored object looks like (the `media` row written with the state change). */
export interface StoredInbound {
  mimeType: string;
  size: number;
  sha256: string;
  storedAt: Date;
}

/** A stored or failed object whose event is not known to be out (the sweeper announces it). */
export interface Unannounced extends InboundJob {
  status: 'stored' | 'failed';
  failureReason: MediaFailureReason | null;
  lastError: string | null;
  updatedAt: Date;
  stored: StoredInbound | null;
}

const JOB = `tenant_id AS "tenantId", meta_media_id AS "metaMediaId", id, phone_number_id AS "phoneNumberId", wamid,
  message_type AS "messageType", filename, attempts`;

/** The fetch state of inbound media, every statement by tenant (ADR 0103). */
@Injectable()
export class InboundMediaRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Records the objects of a consumed batch on first sight and claims them until `leaseUntil`, in
   * one statement; on a redelivery, claims an object again only if it is still pending and not
   * claimed (a crash's lease ran out). Returns the claimed ones: not those stored, failed, or
   * someone else's for now. The caller passes each (tenant, Meta media id) once.
   */
  async claimManyOnArrival(jobs: (Omit<InboundJob, 'attempts'> & Sender)[], now: Date, leaseUntil: Date): Promise<InboundJob[]> {
    if (jobs.length === 0) return [];
    const col = <K extends keyof (Omit<InboundJob, 'attempts'> & Sender)>(k: K): unknown[] => jobs.map((j) => j[k] ?? null);
    return this.ds.query<InboundJob[]>(
      `INSERT INTO inbound_media AS m (tenant_id, meta_media_id, id, phone_number_id, wamid, message_type, filename, status, attempts, next_attempt_at, created_at, updated_at, wa_id, user_id)
       SELECT t, mm, i, pn, w, mt, f, 'pending', 0, $10, $9, $9, wa, u
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $11::text[]) AS x(t, mm, i, pn, w, mt, f, wa, u)
       ON CONFLICT (tenant_id, meta_media_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at, updated_at = EXCLUDED.updated_at
         WHERE m.status = 'pending' AND m.next_attempt_at <= $9
       RETURNING ${JOB}`,
      [col('tenantId'), col('metaMediaId'), col('id'), col('phoneNumberId'), col('wamid'), col('messageType'), col('filename'), col('waId'), now, leaseUntil, col('userId')],
    );
  }

  /** Claims up to `limit` pending objects whose next attempt is due (other replicas skip them). */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<InboundJob[]> {
    const [rows] = await this.ds.query<[InboundJob[], number]>(
      `UPDATE inbound_media m SET next_attempt_at = $2, updated_at = $1
       FROM (SELECT tenant_id, meta_media_id FROM inbound_media WHERE status = 'pending' AND next_attempt_at <= $1
             ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
       WHERE m.tenant_id = due.tenant_id AND m.meta_media_id = due.meta_media_id
       RETURNING m.tenant_id AS "tenantId", m.meta_media_id AS "metaMediaId", m.id, m.phone_number_id AS "phoneNumberId", m.wamid,
         m.message_type AS "messageType", m.filename, m.attempts`,
      [now, leaseUntil, limit],
    );
    return rows;
  }

  /**
   * The object is stored: the `media` row and the state change in one transaction. False when
   * the object was no longer pending (another worker finished it first); nothing is written then.
   */
  async markStored(job: InboundJob, stored: StoredInbound, attempts: number): Promise<boolean> {
    // one statement (data-modifying CTEs commit together): the state change, and the media row
    // with the sender, so an erasure of the contact finds it (ADR 0113)
    const rows = await this.ds.query<{ n: number }[]>(
      `WITH done AS (
         UPDATE inbound_media SET status = 'stored', attempts = $3, next_attempt_at = NULL, last_error = NULL, announced = false, updated_at = $4
         WHERE tenant_id = $1 AND meta_media_id = $2 AND status = 'pending'
         RETURNING wa_id, user_id
       ), row AS (
         INSERT INTO media (id, tenant_id, phone_number_id, direction, mime_type, size, sha256, filename, storage_key, meta_media_id, wamid, created_at, wa_id, user_id)
         SELECT $5, $1, $6, 'inbound', $7, $8, $9, $10, $5, $2, $11, $4, done.wa_id, done.user_id FROM done
         ON CONFLICT DO NOTHING
       )
       SELECT count(*)::int AS n FROM done`,
      [job.tenantId, job.metaMediaId, attempts, stored.storedAt, job.id, job.phoneNumberId, stored.mimeType, stored.size, stored.sha256, job.filename, job.wamid],
    );
    return rows[0]?.n === 1;
  }

  /** The object failed for good. False when it was no longer pending. */
  async markFailed(job: InboundJob, reason: MediaFailureReason, message: string, attempts: number, at: Date): Promise<boolean> {
    const [, changed] = await this.ds.query<[unknown[], number]>(
      `UPDATE inbound_media SET status = 'failed', attempts = $3, next_attempt_at = NULL, failure_reason = $4, last_error = $5, announced = false, updated_at = $6
       WHERE tenant_id = $1 AND meta_media_id = $2 AND status = 'pending'`,
      [job.tenantId, job.metaMediaId, attempts, reason, message.slice(0, 1000), at],
    );
    return changed === 1;
  }

  /** Another round later. */
  async reschedule(job: InboundJob, attempts: number, next: Date, message: string, at: Date): Promise<void> {
    await this.ds.query(
      `UPDATE inbound_media SET attempts = $3, next_attempt_at = $4, last_error = $5, updated_at = $6
       WHERE tenant_id = $1 AND meta_media_id = $2 AND status = 'pending'`,
      [job.tenantId, job.metaMediaId, attempts, next, message.slice(0, 1000), at],
    );
  }

  async markAnnounced(keys: { tenantId: string; metaMediaId: string }[]): Promise<void> {
    if (keys.length === 0) return;
    await this.ds.query(
      `UPDATE inbound_media m SET announced = true FROM unnest($1::text[], $2::text[]) AS k(t, mm) WHERE m.tenant_id = k.t AND m.meta_media_id = k.mm`,
      [keys.map((k) => k.tenantId), keys.map((k) => k.metaMediaId)],
    );
  }

  /** Outcomes older than `before` whose event is not out (a crash or a Kafka outage between the two). */
  async unannounced(before: Date, limit: number): Promise<Unannounced[]> {
    const rows = await this.ds.query<(Unannounced & { mMime: string | null; mSize: number | null; mSha: string | null; mAt: Date | null })[]>(
      `SELECT i.tenant_id AS "tenantId", i.meta_media_id AS "metaMediaId", i.id, i.phone_number_id AS "phoneNumberId", i.wamid,
         i.message_type AS "messageType", i.filename, i.attempts, i.status, i.failure_reason AS "failureReason", i.last_error AS "lastError",
         i.updated_at AS "updatedAt", m.mime_type AS "mMime", m.size::float8 AS "mSize", m.sha256 AS "mSha", m.created_at AS "mAt"
       FROM inbound_media i LEFT JOIN media m ON m.tenant_id = i.tenant_id AND m.id = i.id
       WHERE i.status <> 'pending' AND NOT i.announced AND i.updated_at < $1
       ORDER BY i.updated_at LIMIT $2`,
      [before, limit],
    );
    return rows.map(({ mMime, mSize, mSha, mAt, ...r }) => ({
      ...r, stored: mMime !== null && mSize !== null && mSha !== null && mAt !== null ? { mimeType: mMime, size: mSize, sha256: mSha, storedAt: mAt } : null,
    }));
  }

  /** The fetch state of one tenant's inbound media id, if it is one. */
  async findState(tenantId: string, id: string): Promise<InboundState | undefined> {
    const rows = await this.ds.query<InboundState[]>(
      `SELECT id, status, attempts, next_attempt_at AS "nextAttemptAt", failure_reason AS "failureReason", last_error AS "lastError"
       FROM inbound_media WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0];
  }

  /** Whether one tenant's object has a `media` row (a stored object not deleted since). */
  async hasMediaRow(tenantId: string, id: string): Promise<boolean> {
    const rows = await this.ds.query<unknown[]>(`SELECT 1 FROM media WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows.length > 0;
  }
}
