import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EncryptedSecret, NumberChangedV1 } from '@wabridge/contracts';

export interface KnownNumber {
  phoneNumberId: string;
  tenantId: string;
  graphBaseUrl: string;
  graphApiVersion: string;
  accessToken: EncryptedSecret;
  revision: number;
}

/** phone_number_id → tenant and Graph config (from the compacted `wa.number.changed.v1`). */
@Injectable()
export class NumbersRepository {
  constructor(private readonly ds: DataSource) {}

  /** Keeps the latest revision (a compacted topic may replay older ones). */
  async upsert(e: NumberChangedV1): Promise<void> {
    await this.ds.query(
      `INSERT INTO numbers (phone_number_id, tenant_id, graph_base_url, graph_api_version, access_token, deleted, revision, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (phone_number_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, graph_base_url = EXCLUDED.graph_base_url,
         graph_api_version = EXCLUDED.graph_api_version, access_token = EXCLUDED.access_token, deleted = EXCLUDED.deleted,
         revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at
       WHERE numbers.revision <= EXCLUDED.revision`,
      [e.phoneNumberId, e.tenantId, e.graphBaseUrl, e.graphApiVersion, JSON.stringify(e.accessToken), e.deleted === true, e.revision, e.updatedAt],
    );
  }

  /** The numbers among `phoneNumberIds` that are known and not deleted (one statement for a consumed batch). */
  async findMany(phoneNumberIds: string[]): Promise<Map<string, KnownNumber>> {
    const out = new Map<string, KnownNumber>();
    if (phoneNumberIds.length === 0) return out;
    const rows = await this.ds.query<{ phone_number_id: string; tenant_id: string; graph_base_url: string; graph_api_version: string; access_token: EncryptedSecret; revision: number }[]>(
      `SELECT phone_number_id, tenant_id, graph_base_url, graph_api_version, access_token, revision FROM numbers WHERE phone_number_id = ANY($1::text[]) AND NOT deleted`,
      [phoneNumberIds],
    );
    for (const r of rows) {
      out.set(r.phone_number_id, {
        phoneNumberId: r.phone_number_id, tenantId: r.tenant_id, graphBaseUrl: r.graph_base_url, graphApiVersion: r.graph_api_version,
        accessToken: r.access_token, revision: r.revision,
      });
    }
    return out;
  }

  /** The number, unless unknown or deleted. */
  async find(phoneNumberId: string): Promise<KnownNumber | undefined> {
    const rows = await this.ds.query<{ phone_number_id: string; tenant_id: string; graph_base_url: string; graph_api_version: string; access_token: EncryptedSecret; revision: number }[]>(
      `SELECT phone_number_id, tenant_id, graph_base_url, graph_api_version, access_token, revision FROM numbers WHERE phone_number_id = $1 AND NOT deleted`,
      [phoneNumberId],
    );
    const r = rows[0];
    return r && {
      phoneNumberId: r.phone_number_id, tenantId: r.tenant_id, graphBaseUrl: r.graph_base_url, graphApiVersion: r.graph_api_version,
      accessToken: r.access_token, revision: r.revision,
    };
  }
}
