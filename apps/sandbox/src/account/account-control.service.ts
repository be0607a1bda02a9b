import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ControlError } from '../common/control-error';
import { CLOCK, SANDBOX_SETTINGS, SandboxSettings } from '../config/sandbox-settings';
import { NumberRegistry, SandboxNumber } from '../numbers/number-registry';
import { parseTier, tierName } from '../rules/messaging-limit';
import { WebhookField } from '../webhooks/webhook-envelope';
import { WebhookOutboxService } from '../webhooks/webhook-outbox.service';
import { AccountStateStore, NumberAccountState, WabaAccountState } from './account-state.store';
import { AccountUpdateDto, NameStatusDto, QualityDto, ReviewDto } from './account-control.dto';

/** Meta's caps (mirrors libs/meta's META_*_MPS; the sandbox is Meta's stand-in, not a client of our libs). */
const STANDARD_MPS = 80;
const COEXISTENCE_MPS = 20;

export interface NumberStateView {
  phoneNumberId: string;
  wabaId: string;
  mps: number;
  tier: string;
  number: NumberAccountState;
  waba: WabaAccountState;
}

/**
 * The `/_sandbox/numbers/:id/*` account controls: each changes what Meta "decided" (the number's
 * limits in NumberRegistry, which the sandbox's limiters enforce, and the account state the
 * Graph nodes show) and sends the real-shaped signed webhook Meta would send to the number's
 * callback URL.
 */
@Injectable()
export class AccountControlService {
  constructor(
    private readonly numbers: NumberRegistry,
    private readonly state: AccountStateStore,
    private readonly outbox: WebhookOutboxService,
    @Inject(SANDBOX_SETTINGS) private readonly settings: SandboxSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  view(phoneNumberId: string): NumberStateView {
    const n = this.number(phoneNumberId);
    return { phoneNumberId, wabaId: n.wabaId, mps: n.mps, tier: tierName(n.tierLimit), number: this.state.number(phoneNumberId), waba: this.state.waba(n.wabaId) };
  }

  /** FLAGGED (RED) / UNFLAGGED (GREEN) and UPGRADE/DOWNGRADE of the tier; YELLOW shows in Graph only (Meta sends no event for it). */
  quality(phoneNumberId: string, dto: QualityDto): NumberStateView {
    const n = this.number(phoneNumberId);
    const before = this.state.number(phoneNumberId).qualityRating;
    this.state.updateNumber(phoneNumberId, { qualityRating: dto.rating });
    const changes: Record<string, unknown>[] = [];
    if (dto.tier !== undefined) {
      const limit = parseTier(dto.tier);
      if (limit === undefined) throw new ControlError(400, 'invalid_request', 'tier must be 250, 1000, 2000, 10000, 100000 or unlimited');
      const up = (limit ?? Infinity) > (n.tierLimit ?? Infinity);
      if (limit !== n.tierLimit) {
        this.numbers.upsert({ ...n, tierLimit: limit });
        changes.push({ display_phone_number: digits(n), event: up ? 'UPGRADE' : 'DOWNGRADE', current_limit: tierName(limit) });
      }
    }
    if (dto.rating !== before && dto.rating !== 'YELLOW') {
      changes.push({ display_phone_number: digits(n), event: dto.rating === 'RED' ? 'FLAGGED' : 'UNFLAGGED', current_limit: tierName(this.number(phoneNumberId).tierLimit) });
    }
    for (const value of changes) this.send(n, 'phone_number_quality_update', value);
    return this.view(phoneNumberId);
  }

  /** Meta's throughput upgrade to 1000 mps (131057 while it is under way), or back to 80; coexistence still caps at 20. */
  throughput(phoneNumberId: string, mps: number): NumberStateView {
    const n = this.number(phoneNumberId);
    const s = this.state.updateNumber(phoneNumberId, { grantedMps: mps });
    const upgraded = mps > (n.mps) && this.settings.upgradeMaintenanceMs > 0;
    this.numbers.upsert({
      ...n, mps: s.coexistence ? Math.min(mps, COEXISTENCE_MPS) : mps,
      maintenanceUntil: upgraded ? this.clock.now() + this.settings.upgradeMaintenanceMs : n.maintenanceUntil,
    });
    if (mps > STANDARD_MPS) this.send(n, 'phone_number_quality_update', { display_phone_number: digits(n), event: 'THROUGHPUT_UPGRADE', current_limit: tierName(n.tierLimit) });
    return this.view(phoneNumberId);
  }

  /** Coexistence on/off: the sandbox's limiter caps the number at 20 mps while on (Graph shows `is_on_biz_app`). */
  coexistence(phoneNumberId: string, enabled: boolean): NumberStateView {
    const n = this.number(phoneNumberId);
    const s = this.state.updateNumber(phoneNumberId, { coexistence: enabled, grantedMps: this.state.number(phoneNumberId).grantedMps ?? n.mps });
    const granted = s.grantedMps ?? n.mps;
    this.numbers.upsert({ ...n, mps: enabled ? Math.min(granted, COEXISTENCE_MPS) : granted });
    return this.view(phoneNumberId);
  }

  nameStatus(phoneNumberId: string, dto: NameStatusDto): NumberStateView {
    const n = this.number(phoneNumberId);
    const nameStatus = dto.decision === 'APPROVED' ? 'APPROVED' : dto.decision === 'REJECTED' ? 'DECLINED' : 'PENDING_REVIEW';
    this.state.updateNumber(phoneNumberId, { nameStatus });
    this.send(n, 'phone_number_name_update', {
      display_phone_number: digits(n), decision: dto.decision, requested_verified_name: dto.requestedName ?? 'Sandbox Business',
      rejection_reason: dto.decision === 'REJECTED' ? (dto.rejectionReason ?? 'NAME_FORMAT_UNACCEPTABLE') : null,
    });
    return this.view(phoneNumberId);
  }

  review(phoneNumberId: string, dto: ReviewDto): NumberStateView {
    const n = this.number(phoneNumberId);
    this.state.updateWaba(n.wabaId, { reviewStatus: dto.decision });
    this.send(n, 'account_review_update', { decision: dto.decision });
    return this.view(phoneNumberId);
  }

  accountUpdate(phoneNumberId: string, dto: AccountUpdateDto): NumberStateView {
    const n = this.number(phoneNumberId);
    const now = this.clock.now();
    let value: Record<string, unknown>;
    switch (dto.event) {
      case 'DISABLED_UPDATE': {
        const banState = dto.banState ?? 'DISABLE';
        this.state.updateWaba(n.wabaId, { banState: banState === 'REINSTATE' ? null : banState });
        value = { event: dto.event, ban_info: { waba_ban_state: banState, waba_ban_date: new Date(now).toISOString().slice(0, 10) } };
        break;
      }
      case 'ACCOUNT_RESTRICTION': {
        const expiresAt = dto.expiresAt ? Date.parse(dto.expiresAt) : now + 24 * 3600_000;
        const restrictions = dto.restrictionType ? [{ type: dto.restrictionType, expiresAt }] : [];
        this.state.updateWaba(n.wabaId, { restrictions });
        value = { event: dto.event, restriction_info: restrictions.map((r) => ({ restriction_type: r.type, expiration: Math.floor(r.expiresAt / 1000) })) };
        break;
      }
      case 'ACCOUNT_VIOLATION':
        value = { event: dto.event, violation_info: { violation_type: dto.violationType ?? 'SCAM' } };
        break;
      default: {
        const status = dto.verification ?? 'APPROVED';
        const verification = status === 'APPROVED' ? 'VERIFIED' : status === 'DISCARDED' ? 'NOT_VERIFIED' : status;
        this.state.updateWaba(n.wabaId, { businessVerificationStatus: verification });
        value = { event: dto.event, partner_client_certification_info: { client_business_id: n.portfolioId, status, rejection_reasons: status === 'REJECTED' ? ['LEGAL_NAME_NOT_MATCHING'] : [] } };
      }
    }
    this.send(n, 'account_update', value);
    return this.view(phoneNumberId);
  }

  private number(phoneNumberId: string): SandboxNumber {
    const n = this.numbers.get(phoneNumberId);
    if (!n) throw new ControlError(404, 'not_found', `no sandbox number ${phoneNumberId}`);
    return n;
  }

  /** One change for the number's WABA, signed and sent to its callback URL as Meta would. */
  private send(n: SandboxNumber, field: WebhookField, value: Record<string, unknown>): void {
    const now = this.clock.now();
    this.outbox.enqueue({ url: n.callbackUrl, appSecret: n.appSecret }, { wabaId: n.wabaId, field, kind: 'event', value, time: Math.floor(now / 1000) });
  }
}

/** Meta's webhooks carry the display number as digits only. */
function digits(n: SandboxNumber): string {
  return n.displayPhoneNumber.replace(/\D/g, '');
}
