import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ulid } from 'ulid';
import { DATA_SOURCE } from '../tokens';

export interface TemplateRow {
  id: string;
  tenant_id: string;
  waba_id: string;
  meta_template_id: string | null;
  name: string;
  language: string;
  category: string;
  status: string;
  components: unknown[];
  rejected_reason: string | null;
  quality_score: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A template as Graph describes it, to be mirrored. */
export interface MirroredTemplate {
  tenantId: string;
  wabaId: string;
  metaTemplateId: string | null;
  name: string;
  language: string;
  category: string;
  status: string;
  components: unknown[];
}

/**
 * Which mirrored template one of Meta's template webhooks is about: by Meta's id (or, for a row
 * mirrored before Meta gave it one, by name and language), else by name and language alone.
 */
export type TemplateKey =
  | { wabaId: string; templateId: string; name: string | null; language: string | null }
  | { wabaId: string; name: string; language: string };

function where(key: TemplateKey): { sql: string; params: unknown[] } {
  return 'templateId' in key
    ? { sql: 'waba_id = $1 AND (meta_template_id = $2 OR (name = $3 AND language = $4))', params: [key.wabaId, key.templateId, key.name, key.language] }
    : { sql: 'waba_id = $1 AND name = $2 AND language = $3', params: [key.wabaId, key.name, key.language] };
}

/** SQL of the local template mirror (ADR 0188); every tenant-owned query takes the tenant first. */
@Injectable()
export class TemplatesRepository {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  /** Name, language, status and category of every mirrored template of the WABA (the send path's check). */
  sendability(tenantId: string, wabaId: string): Promise<{ name: string; language: string; status: string; category: string }[]> {
    return this.db.query('SELECT name, language, status, category FROM templates WHERE tenant_id = $1 AND waba_id = $2', [tenantId, wabaId]);
  }

  list(tenantId: string, wabaId?: string): Promise<TemplateRow[]> {
    return wabaId
      ? this.db.query('SELECT * FROM templates WHERE tenant_id = $1 AND waba_id = $2 ORDER BY name, language', [tenantId, wabaId])
      : this.db.query('SELECT * FROM templates WHERE tenant_id = $1 ORDER BY waba_id, name, language', [tenantId]);
  }

  async find(tenantId: string, id: string): Promise<TemplateRow | null> {
    const rows: TemplateRow[] = await this.db.query('SELECT * FROM templates WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] ?? null;
  }

  /** Inserts the template, or refreshes the one of that WABA, name and language; answers the stored row. */
  async upsert(t: MirroredTemplate): Promise<TemplateRow> {
    const rows: TemplateRow[] = await this.db.query(
      `INSERT INTO templates (id, tenant_id, waba_id, meta_template_id, name, language, category, status, components)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (waba_id, name, language) DO UPDATE SET meta_template_id = EXCLUDED.meta_template_id, category = EXCLUDED.category,
         status = EXCLUDED.status, components = EXCLUDED.components, updated_at = now()
       RETURNING *`,
      [ulid(), t.tenantId, t.wabaId, t.metaTemplateId, t.name, t.language, t.category, t.status, JSON.stringify(t.components)],
    );
    return rows[0]!;
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.db.query('DELETE FROM templates WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  }

  async setStatus(key: TemplateKey, status: string, rejectedReason: string | null): Promise<void> {
    const w = where(key);
    const n = w.params.length;
    await this.db.query(`UPDATE templates SET status = $${n + 1}, rejected_reason = $${n + 2}, updated_at = now() WHERE ${w.sql}`, [...w.params, status, rejectedReason]);
  }

  async setCategory(key: TemplateKey, category: string): Promise<void> {
    const w = where(key);
    await this.db.query(`UPDATE templates SET category = $${w.params.length + 1}, updated_at = now() WHERE ${w.sql}`, [...w.params, category]);
  }

  async setQualityScore(key: TemplateKey, score: string): Promise<void> {
    const w = where(key);
    await this.db.query(`UPDATE templates SET quality_score = $${w.params.length + 1}, updated_at = now() WHERE ${w.sql}`, [...w.params, score]);
  }
}
