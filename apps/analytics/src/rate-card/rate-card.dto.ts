import { IsObject, IsOptional, Matches, registerDecorator, ValidationArguments } from 'class-validator';

const CATEGORY = /^[a-z][a-z0-9_-]{0,63}$/;
const MARKET = /^[1-9]\d{0,3}$/;
const MAX_ENTRIES = 50;

/** A price: a number ≥ 0 (in the card's currency, per billable unit) with at most 6 decimals. */
function priceProblem(v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1_000_000) return 'must be a number from 0 to 1000000';
  if (Math.abs(Math.round(v * 1e6) - v * 1e6) > 1e-6 * Math.max(1, v * 1e6)) return 'may have at most 6 decimals';
  return undefined;
}

function priceMapProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of category → price';
  const entries = Object.entries(value);
  if (entries.length > MAX_ENTRIES) return `may name at most ${MAX_ENTRIES} categories`;
  for (const [k, v] of entries) {
    if (!CATEGORY.test(k)) return `category "${k}" must be lower-case letters, digits, _ or -`;
    const p = priceProblem(v);
    if (p) return `${k} ${p}`;
  }
  return undefined;
}

function IsPriceMap(): PropertyDecorator {
  return (target, propertyName) => registerDecorator({
    name: 'isPriceMap', target: target.constructor, propertyName: propertyName as string,
    validator: {
      validate: (v: unknown) => priceMapProblem(v) === undefined,
      defaultMessage: (a: ValidationArguments) => `${a.property}: ${priceMapProblem(a.value) ?? 'invalid'}`,
    },
  });
}

function marketsProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of country calling code → prices';
  const entries = Object.entries(value);
  if (entries.length > 300) return 'may name at most 300 markets';
  for (const [k, v] of entries) {
    if (!MARKET.test(k)) return `market "${k}" must be a country calling code (1-4 digits, e.g. 49)`;
    const p = priceMapProblem(v);
    if (p) return `${k}: ${p}`;
  }
  return undefined;
}

function IsMarkets(): PropertyDecorator {
  return (target, propertyName) => registerDecorator({
    name: 'isMarkets', target: target.constructor, propertyName: propertyName as string,
    validator: {
      validate: (v: unknown) => marketsProblem(v) === undefined,
      defaultMessage: (a: ValidationArguments) => `${a.property}: ${marketsProblem(a.value) ?? 'invalid'}`,
    },
  });
}

/**
 * `PUT /v1/analytics/rate-card` (ADR 0122): price per billable unit by pricing category
 * (Meta's categories: marketing, utility, authentication, authentication_international,
 * service, marketing_lite, referral_conversion, or legacy CBP ones such as business_initiated),
 * optionally per market (the recipient's country calling code) overriding the defaults.
 */
export class RateCardBody {
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR or USD' })
  currency!: string;

  @IsObject() @IsPriceMap()
  prices!: Record<string, number>;

  @IsOptional() @IsObject() @IsMarkets()
  markets?: Record<string, Record<string, number>>;
}

export interface RateCard {
  currency: string;
  prices: Record<string, number>;
  markets: Record<string, Record<string, number>>;
  updatedAt: string;
}
