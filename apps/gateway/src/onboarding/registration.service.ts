import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@wabridge/http';
import { RegistryService } from '../accounts/registry.service';
import { Clock, RateLimiter } from '../auth/rate-limiter';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { GraphClient } from '../graph/graph.client';
import { CLOCK, GATEWAY_ENV } from '../tokens';
import { OnboardingRepository, RegisteredNumberRow } from './onboarding.repository';
import { registrationError } from './registration-errors';
import { afterStep, NOT_REGISTERED_REASON, RegistrationStatus } from './registration-state';

export interface RegistrationView {
  phoneNumberId: string;
  registrationStatus: RegistrationStatus;
  twoStepVerification: boolean;
  status: 'active' | 'paused';
}

/**
 * A tenant registers its number with Meta through us (ADR 0167): each step is Meta's Graph call
 * with the number's token, its answer mapped to a tenant error, the state recorded after Meta
 * said yes. `register` makes a number that waited for it active and publishes it, so the
 * dispatcher sends for it. PINs and codes pass through to Meta only: never stored or logged.
 * Each number gets REGISTRATION_RATE_LIMIT_PER_MINUTE steps (Meta limits code requests too).
 */
@Injectable()
export class RegistrationService {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly repo: OnboardingRepository,
    private readonly graph: GraphClient,
    private readonly registry: RegistryService,
    @Inject(GATEWAY_ENV) env: ResolvedGatewayEnv,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.limiter = new RateLimiter(env.REGISTRATION_RATE_LIMIT_PER_MINUTE, clock);
  }

  async requestCode(tenantId: string, phoneNumberId: string, codeMethod: 'SMS' | 'VOICE', language: string): Promise<RegistrationView> {
    const row = await this.number(tenantId, phoneNumberId);
    await this.graph.call(row, 'POST', `${phoneNumberId}/request_code`, { code_method: codeMethod, language }).catch(registrationError);
    return this.record(tenantId, row, afterStep(row.registration_status, 'request-code'));
  }

  async verifyCode(tenantId: string, phoneNumberId: string, code: string): Promise<RegistrationView> {
    const row = await this.number(tenantId, phoneNumberId);
    await this.graph.call(row, 'POST', `${phoneNumberId}/verify_code`, { code }).catch(registrationError);
    return this.record(tenantId, row, afterStep(row.registration_status, 'verify-code'));
  }

  async register(tenantId: string, phoneNumberId: string, pin: string): Promise<RegistrationView> {
    const row = await this.number(tenantId, phoneNumberId);
    await this.graph.call(row, 'POST', `${phoneNumberId}/register`, { messaging_product: 'whatsapp', pin }).catch(registrationError);
    // Recorded before the number is activated: the registry's update drops its cache afterwards,
    // so the send path never sees the number active but not registered.
    const view = await this.record(tenantId, row, 'registered', true);
    if (row.status === 'paused' && row.paused_reason === NOT_REGISTERED_REASON) {
      const updated = await this.registry.updateNumber(tenantId, phoneNumberId, { status: 'active' });
      view.status = updated.status;
    }
    return view;
  }

  async setTwoStepPin(tenantId: string, phoneNumberId: string, pin: string): Promise<RegistrationView> {
    const row = await this.number(tenantId, phoneNumberId);
    await this.graph.call(row, 'POST', phoneNumberId, { pin }).catch(registrationError);
    return this.record(tenantId, row, row.registration_status, true);
  }

  private async number(tenantId: string, phoneNumberId: string): Promise<RegisteredNumberRow> {
    const row = await this.repo.findNumber(tenantId, phoneNumberId);
    if (!row) throw ApiError.notFound('phone number');
    const wait = this.limiter.take(`${tenantId}:${phoneNumberId}`);
    if (wait > 0) throw new ApiError(429, 'rate_limited', `too many registration steps for this number; retry in ${wait} s`, undefined, { 'retry-after': String(wait) });
    return row;
  }

  private async record(tenantId: string, row: RegisteredNumberRow, status: RegistrationStatus, pinSet?: boolean): Promise<RegistrationView> {
    await this.repo.setRegistration(tenantId, row.phone_number_id, status, pinSet);
    return { phoneNumberId: row.phone_number_id, registrationStatus: status, twoStepVerification: pinSet ?? row.two_step_pin_set, status: row.status };
  }
}
