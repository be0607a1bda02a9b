import { Injectable } from '@nestjs/common';
import type { Queryable } from '@wabridge/database';
import { DEFAULT_OPT_IN_KEYWORDS, DEFAULT_OPT_OUT_KEYWORDS, KeywordSet, keywordSet } from './keywords';

export interface TenantKeywords {
  optOutKeywords: string[];
  optInKeywords: string[];
  isDefault: boolean;
}

/** Per-tenant opt-out/opt-in keywords (defaults until a tenant sets its own). */
@Injectable()
export class SettingsRepository {
  private readonly cache = new Map<string, { set: KeywordSet; until: number }>();
  private static readonly TTL_MS = 5_000;

  async keywords(q: Queryable, tenantId: string): Promise<TenantKeywords> {
    const rows = await q.query<{ opt_out_keywords: string[]; opt_in_keywords: string[] }[]>(
      'SELECT opt_out_keywords, opt_in_keywords FROM tenant_settings WHERE tenant_id = $1', [tenantId],
    );
    const row = rows[0];
    return row
      ? { optOutKeywords: row.opt_out_keywords, optInKeywords: row.opt_in_keywords, isDefault: false }
      : { optOutKeywords: [...DEFAULT_OPT_OUT_KEYWORDS], optInKeywords: [...DEFAULT_OPT_IN_KEYWORDS], isDefault: true };
  }

  /** Normalized keyword sets for matching, cached a few seconds (changes apply within that time). */
  async keywordSet(q: Queryable, tenantId: string): Promise<KeywordSet> {
    const hit = this.cache.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.set;
    const k = await this.keywords(q, tenantId);
    const set = keywordSet(k.optOutKeywords, k.optInKeywords);
    this.cache.set(tenantId, { set, until: Date.now() + SettingsRepository.TTL_MS });
    return set;
  }

  async setKeywords(q: Queryable, tenantId: string, optOut: string[], optIn: string[], now: Date): Promise<void> {
    await q.query(
      `INSERT INTO tenant_settings (tenant_id, opt_out_keywords, opt_in_keywords, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id) DO UPDATE SET opt_out_keywords = EXCLUDED.opt_out_keywords,
         opt_in_keywords = EXCLUDED.opt_in_keywords, updated_at = EXCLUDED.updated_at`,
      [tenantId, optOut, optIn, now],
    );
    this.cache.delete(tenantId);
  }
}
