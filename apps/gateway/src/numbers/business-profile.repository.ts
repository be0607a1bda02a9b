import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../tokens';

export interface ProfileRow {
  legal_name: string; display_name: string; category: string; vertical: string | null; website: string | null;
  email: string | null; phone: string | null; address: Record<string, string> | null; updated_at: Date;
}

export interface BusinessProfile {
  legalName: string;
  displayName: string;
  category: string;
  vertical: string | null;
  website: string | null;
  email: string | null;
  phone: string | null;
  /** Stored as JSON. */
  address: object | null;
}

/** SQL of the tenant's business profile (ours, not Meta's; ADR 0188). */
@Injectable()
export class BusinessProfileRepository {
  constructor(@Inject(DATA_SOURCE) private readonly db: DataSource) {}

  async find(tenantId: string): Promise<ProfileRow | null> {
    const rows: ProfileRow[] = await this.db.query('SELECT * FROM business_profiles WHERE tenant_id = $1', [tenantId]);
    return rows[0] ?? null;
  }

  /** Writes every field of the profile (absent ones as null). */
  async put(tenantId: string, p: BusinessProfile): Promise<void> {
    await this.db.query(
      `INSERT INTO business_profiles (tenant_id, legal_name, display_name, category, vertical, website, email, phone, address)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
       ON CONFLICT (tenant_id) DO UPDATE SET legal_name = EXCLUDED.legal_name, display_name = EXCLUDED.display_name,
         category = EXCLUDED.category, vertical = EXCLUDED.vertical, website = EXCLUDED.website, email = EXCLUDED.email,
         phone = EXCLUDED.phone, address = EXCLUDED.address, updated_at = now()`,
      [tenantId, p.legalName, p.displayName, p.category, p.vertical, p.website, p.email, p.phone, p.address ? JSON.stringify(p.address) : null],
    );
  }
}
