import { Injectable } from '@nestjs/common';
import { returnedRows } from '@wabridge/database';
import { DataSource } from 'typeorm';
import type { SegmentFilter } from './segment-filter';

export interface SegmentRow {
  id: string;
  tenant_id: string;
  name: string;
  phone_number_id: string;
  filter: SegmentFilter;
  created_at: Date;
}

/** SQL of segments; every query takes the tenant first. */
@Injectable()
export class SegmentsRepository {
  constructor(private readonly db: DataSource) {}

  async insert(s: { id: string; tenantId: string; name: string; phoneNumberId: string; filter: SegmentFilter; now: Date }): Promise<SegmentRow> {
    const rows = await this.db.query<SegmentRow[]>(
      'INSERT INTO segments (id, tenant_id, name, phone_number_id, filter, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
      [s.id, s.tenantId, s.name, s.phoneNumberId, JSON.stringify(s.filter), s.now],
    );
    return rows[0]!;
  }

  async get(tenantId: string, id: string): Promise<SegmentRow | null> {
    const rows = await this.db.query<SegmentRow[]>('SELECT * FROM segments WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] ?? null;
  }

  async list(tenantId: string): Promise<SegmentRow[]> {
    return this.db.query('SELECT * FROM segments WHERE tenant_id = $1 ORDER BY id DESC LIMIT 500', [tenantId]);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return returnedRows(await this.db.query('DELETE FROM segments WHERE tenant_id = $1 AND id = $2 RETURNING id', [tenantId, id])).length > 0;
  }
}
