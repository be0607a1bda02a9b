import { Logger } from '@nestjs/common';
import { INTERNAL_TOKEN_HEADER, TENANT_HEADER } from '@wabridge/http';
import { injectTraceHeaders } from '@wabridge/telemetry';

/** What a campaign's delivered messages cost, priced by analytics with the tenant's rate card (ADR 0155). */
export interface CampaignCost {
  /** The rate card's currency; null when the tenant has no card (every amount is then 0). */
  currency: string | null;
  total: number;
  byCategory: Record<string, number>;
  /** Categories charged but without a price on the card (counted as 0). */
  unpriced: string[];
  /** Messages Meta charged (delivered, billable) and delivered free of charge. */
  billable: number;
  free: number;
}

/**
 * Asks the analytics service (`GET /v1/analytics/campaigns/cost?ids=`, internal token, tenant
 * header) — the one owner of pricing — for campaigns' costs. Null when it cannot answer in time:
 * a campaign's progress is still shown, with `cost: null`.
 */
export class CampaignCostClient {
  private readonly log = new Logger('CampaignCost');

  constructor(private readonly baseUrl: string, private readonly internalToken: string, private readonly timeoutMs: number) {}

  async costs(tenantId: string, ids: string[]): Promise<Map<string, CampaignCost> | null> {
    if (ids.length === 0) return new Map();
    const headers: Record<string, string> = { [INTERNAL_TOKEN_HEADER]: this.internalToken, [TENANT_HEADER]: tenantId, accept: 'application/json' };
    injectTraceHeaders(headers);
    try {
      const res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}/v1/analytics/campaigns/cost?ids=${ids.map(encodeURIComponent).join(',')}`, {
        headers, signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok) {
        await res.text();
        this.log.warn(`analytics answered ${res.status} for campaign cost`);
        return null;
      }
      const body = (await res.json()) as { data?: (CampaignCost & { campaignId: string })[] };
      if (!Array.isArray(body.data)) return null;
      return new Map(body.data.map(({ campaignId, ...cost }) => [campaignId, cost]));
    } catch (err) {
      this.log.warn(`analytics unreachable for campaign cost: ${(err as Error).message}`);
      return null;
    }
  }
}
