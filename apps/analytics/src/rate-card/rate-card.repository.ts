import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { normalizeCategory } from '../fold/pricing';
import { RateCard, RateCardBody } from './rate-card.dto';

const normalized = (prices: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(prices).map(([k, v]) => [normalizeCategory(k), v]));

@Injectable()
export class RateCardRepository {
  constructor(private readonly ds: DataSource) {}

  async get(tenantId: string): Promise<RateCard | undefined> {
    const [row] = await this.ds.query<{ currency: string; prices: Record<string, number>; markets: Record<string, Record<string, number>>; updated_at: Date }[]>(
      'SELECT currency, prices, markets, updated_at FROM rate_cards WHERE tenant_id = $1', [tenantId],
    );
    return row ? { currency: row.currency, prices: row.prices, markets: row.markets, updatedAt: row.updated_at.toISOString() } : undefined;
  }

  /** Replaces the tenant's card (categories stored in one spelling, as the fold writes them). */
  async put(tenantId: string, body: RateCardBody, now: Date): Promise<void> {
    const markets = Object.fromEntries(Object.entries(body.markets ?? {}).map(([m, p]) => [m, normalized(p)]));
    await this.ds.query(
      `INSERT INTO rate_cards (tenant_id, currency, prices, markets, updated_at) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)
       ON CONFLICT (tenant_id) DO UPDATE SET currency = EXCLUDED.currency, prices = EXCLUDED.prices, markets = EXCLUDED.markets, updated_at = EXCLUDED.updated_at`,
      [tenantId, body.currency, JSON.stringify(normalized(body.prices)), JSON.stringify(markets), now],
    );
  }
}
