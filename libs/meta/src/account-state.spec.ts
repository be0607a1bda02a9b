import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  accountStateChange, effectiveMps, messagingTierOf, numberStateFromGraph, sendPermission, wabaStateFromGraph,
  META_COEXISTENCE_MPS, META_UPGRADED_MPS,
} from './account-state';
import { walkWebhook } from './webhook-walk';

const FIXTURES = path.resolve(__dirname, '..', '..', 'testing', 'fixtures', 'meta-webhooks');
/** The state changes of a fixture body, as the gateway sees them after ingress. */
const changesOf = (file: string) =>
  [...walkWebhook(JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')))].map((c) => ({ time: c.entryTime, change: accountStateChange(c.field ?? '', c.value ?? {}) }));

describe('account state from Meta webhooks (fixture bodies)', () => {
  it('reads a flagged quality update as a RED rating and the TIER_10K current limit', () => {
    expect(changesOf('phone-quality--bindambc-1.json')).toEqual([{
      time: 1608243062,
      change: { scope: 'number', aspect: 'quality', number: { displayPhoneNumber: '16505551111', qualityRating: 'RED', messagingTier: '10000' } },
    }]);
  });

  it('reads a display-name decision as the Graph name_status', () => {
    expect(changesOf('phone-name--bindambc-1.json')[0]?.change).toEqual({ scope: 'number', aspect: 'name', number: { displayPhoneNumber: '16505551111', nameStatus: 'APPROVED' } });
  });

  it('reads an account review decision', () => {
    expect(changesOf('account-review--bindambc-1.json')[0]?.change).toEqual({ scope: 'waba', aspect: 'review', waba: { reviewStatus: 'APPROVED' } });
  });

  it('reads a messaging restriction with its expiry, and ignores a pricing-tier account update', () => {
    expect(changesOf('account-update--pywa-1.json')[0]?.change).toEqual({
      scope: 'waba', aspect: 'account',
      waba: { restrictions: ['RESTRICTED_BIZ_INITIATED_MESSAGING'], restrictedUntil: new Date(1641330498 * 1000).toISOString() },
    });
    expect(changesOf('account-update--pywa-2.json')[0]?.change).toBeUndefined();
  });

  it('maps every tier spelling Meta uses (current, older 2K, plain limits) and rejects others', () => {
    expect(['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED', 'tier_1k', 1000, '100000'].map(messagingTierOf))
      .toEqual(['50', '250', '1000', '2000', '10000', '100000', 'unlimited', '1000', '1000', '100000']);
    expect([undefined, 'TIER_3K', 'garbage', 0, -5].map(messagingTierOf)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('reads UNFLAGGED as GREEN, THROUGHPUT_UPGRADE as 1000 mps, and bans and reviews as send permission', () => {
    expect(accountStateChange('phone_number_quality_update', { display_phone_number: '1555', event: 'UNFLAGGED', current_limit: 'TIER_1K' }))
      .toEqual({ scope: 'number', aspect: 'quality', number: { displayPhoneNumber: '1555', qualityRating: 'GREEN', messagingTier: '1000' } });
    expect(accountStateChange('phone_number_quality_update', { display_phone_number: '1555', event: 'THROUGHPUT_UPGRADE' }))
      .toEqual({ scope: 'number', aspect: 'quality', number: { displayPhoneNumber: '1555', throughputMps: META_UPGRADED_MPS } });
    expect(accountStateChange('phone_number_quality_update', { display_phone_number: '1555', event: 'SOMETHING_NEW' })).toBeUndefined();
    expect(accountStateChange('account_update', { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE', waba_ban_date: '2026-12-01' } }))
      .toEqual({ scope: 'waba', aspect: 'account', waba: { banState: 'DISABLE' } });
    expect(accountStateChange('account_update', { event: 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE', partner_client_certification_info: { client_business_id: '1', status: 'APPROVED' } }))
      .toEqual({ scope: 'waba', aspect: 'account', waba: { businessVerificationStatus: 'verified' } });
    expect(accountStateChange('business_capability_update', { max_daily_conversation_per_phone: 1000, max_phone_numbers_per_business: 2 }))
      .toEqual({ scope: 'waba', aspect: 'capability', waba: { messagingTier: '1000' } });

    const now = Date.parse('2026-12-06T00:00:00Z');
    expect(sendPermission({ reviewStatus: 'APPROVED' }, now)).toEqual({ maySend: true });
    expect(sendPermission({ reviewStatus: 'REJECTED' }, now)).toEqual({ maySend: false, reason: 'account_review_rejected' });
    expect(sendPermission({ banState: 'DISABLE' }, now)).toEqual({ maySend: false, reason: 'account_disabled' });
    expect(sendPermission({ banState: 'REINSTATE' }, now)).toEqual({ maySend: true });
    expect(sendPermission({ restrictions: ['RESTRICTED_BIZ_INITIATED_MESSAGING'], restrictedUntil: '2026-12-07T00:00:00Z' }, now))
      .toEqual({ maySend: false, reason: 'account_restricted', until: '2026-12-07T00:00:00.000Z' });
    expect(sendPermission({ restrictions: ['RESTRICTED_BIZ_INITIATED_MESSAGING'], restrictedUntil: '2026-12-05T00:00:00Z' }, now)).toEqual({ maySend: true });
  });

  it('reads Graph number and WABA fields, and caps coexistence numbers at 20 mps', () => {
    expect(numberStateFromGraph({
      id: '1', display_phone_number: '+1 555-0100', quality_rating: 'YELLOW', messaging_limit_tier: 'TIER_100K', name_status: 'PENDING_REVIEW',
      throughput: { level: 'HIGH' }, is_on_biz_app: true,
    })).toEqual({ displayPhoneNumber: '15550100', qualityRating: 'YELLOW', messagingTier: '100000', nameStatus: 'PENDING_REVIEW', throughputMps: 1000, coexistence: true });
    expect(wabaStateFromGraph({ account_review_status: 'PENDING', business_verification_status: 'VERIFIED' })).toEqual({ reviewStatus: 'PENDING', businessVerificationStatus: 'verified' });
    expect(effectiveMps(1000, true)).toBe(META_COEXISTENCE_MPS);
    expect(effectiveMps(10, true)).toBe(10);
    expect(effectiveMps(80, false)).toBe(80);
  });
});
