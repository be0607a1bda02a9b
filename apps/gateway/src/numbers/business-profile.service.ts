import { Inject, Injectable } from '@nestjs/common';
import { BusinessVerificationStatus, sendPermission } from '@wabridge/meta';
import { Clock } from '../auth/rate-limiter';
import { CLOCK } from '../tokens';
import { AccountStateRepository, WabaStateRow } from './account-state.repository';
import { PutBusinessProfileDto } from './business-profile.dto';
import { BusinessProfileRepository } from './business-profile.repository';

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
    private readonly profiles: BusinessProfileRepository,
    private readonly state: AccountStateRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async get(tenantId: string): Promise<BusinessProfileView> {
    const r = await this.profiles.find(tenantId);
    const now = this.clock.now();
    const wabas = (await this.state.wabaRows(tenantId)).map((w) => wabaStatus(w, now));
    const best = RANK.find((s) => wabas.some((w) => w.businessVerificationStatus === s)) ?? 'not_verified';
    return {
      legalName: r?.legal_name ?? null, displayName: r?.display_name ?? null, category: r?.category ?? null, vertical: r?.vertical ?? null,
      website: r?.website ?? null, email: r?.email ?? null, phone: r?.phone ?? null, address: r?.address ?? null,
      businessVerificationStatus: best, wabas, updatedAt: r ? new Date(r.updated_at).toISOString() : null,
    };
  }

  async put(tenantId: string, p: PutBusinessProfileDto): Promise<BusinessProfileView> {
    await this.profiles.put(tenantId, {
      legalName: p.legalName, displayName: p.displayName, category: p.category, vertical: p.vertical ?? null, website: p.website ?? null,
      email: p.email ?? null, phone: p.phone ?? null, address: p.address ?? null,
    });
    return this.get(tenantId);
  }
}
