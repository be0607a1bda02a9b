import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BusinessVerificationStatus, sendPermission } from '@wabridge/meta';
import { Clock } from '../auth/rate-limiter';
import { CLOCK, DATA_SOURCE } from '../tokens';
import { AccountStateRepository, WabaStateRow } from './account-state.repository';
import { PutBusinessProfileDto } from './business-profile.dto';

interface ProfileRow {
  legal_name: string; display_name: string; category: string; vertical: string | null; website: string | null;
  email: string | null; phone: string | null; address: Record<string, string> | null; updated_at: Date;
}

export interface WabaStatusView {
  wabaId: string;
  reviewStatus: string | null;
  businessVerificationStatus: BusinessVerificationStatus;
  maySend: boolean;
  blocked?: { reason: string; until?: string };
}

export interface BusinessProfileView {
  legalName: string | null;
  displayName: string | null;
  category: string | null;
  vertical: string | null;
  website: string | null;
  email: string | null;
  phone: string | null;
  address: Record<string, string> | null;
  /** The best status of the tenant's WABAs' business portfolios (verified > pending > rejected > not_verified). */
  businessVerificationStatus: BusinessVerificationStatus;
  wabas: WabaStatusView[];
  updatedAt: string | null;
}

const RANK: BusinessVerificationStatus[] = ['verified', 'pending', 'rejected', 'not_verified'];

function wabaStatus(w: WabaStateRow, now: number): WabaStatusView {
  const p = sendPermission({ reviewStatus: w.review_status, banState: w.ban_state, restrictions: w.restrictions, restrictedUntil: w.restricted_until }, now);
  return {
    wabaId: w.waba_id, reviewStatus: w.review_status,
    businessVerificationStatus: (w.business_verification_status as BusinessVerificationStatus | null) ?? 'not_verified',
    maySend: p.maySend, ...(p.maySend ? {} : { blocked: { reason: p.reason, ...(p.until ? { until: p.until } : {}) } }),
  };
}

/** The tenant's business profile (ours) beside Meta's verification and review state of its WABAs. */
@Injectable()
export class BusinessProfileService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly state: AccountStateRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async get(tenantId: string): Promise<BusinessProfileView> {
    const rows: ProfileRow[] = await this.db.query('SELECT * FROM business_profiles WHERE tenant_id = $1', [tenantId]);
    const now = this.clock.now();
    const wabas = (await this.state.wabaRows(tenantId)).map((w) => wabaStatus(w, now));
    const best = RANK.find((s) => wabas.some((w) => w.businessVerificationStatus === s)) ?? 'not_verified';
    const r = rows[0];
    return {
      legalName: r?.legal_name ?? null, displayName: r?.display_name ?? null, category: r?.category ?? null, vertical: r?.vertical ?? null,
      website: r?.website ?? null, email: r?.email ?? null, phone: r?.phone ?? null, address: r?.address ?? null,
      businessVerificationStatus: best, wabas, updatedAt: r ? new Date(r.updated_at).toISOString() : null,
    };
  }

  async put(tenantId: string, p: PutBusinessProfileDto): Promise<BusinessProfileView> {
    await this.db.query(
      `INSERT INTO business_profiles (tenant_id, legal_name, display_name, category, vertical, website, email, phone, address)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
       ON CONFLICT (tenant_id) DO UPDATE SET legal_name = EXCLUDED.legal_name, display_name = EXCLUDED.display_name,
         category = EXCLUDED.category, vertical = EXCLUDED.vertical, website = EXCLUDED.website, email = EXCLUDED.email,
         phone = EXCLUDED.phone, address = EXCLUDED.address, updated_at = now()`,
      [tenantId, p.legalName, p.displayName, p.category, p.vertical ?? null, p.website ?? null, p.email ?? null, p.phone ?? null,
        p.address ? JSON.stringify(p.address) : null],
    );
    return this.get(tenantId);
  }
}
