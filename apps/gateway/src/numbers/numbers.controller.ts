import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiError } from '@wabridge/http';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { CurrentPrincipal, Principal, RequireScopes } from '../auth/principal';
import { Clock } from '../auth/rate-limiter';
import { ERROR_SCHEMA } from '../openapi';
import { CLOCK } from '../tokens';
import { AccountStateRepository } from './account-state.repository';
import { PHONE_NUMBER_SCHEMA, phoneNumberView, PhoneNumberView } from './phone-number.view';

/**
 * The tenant's numbers as Meta sees them (`/v1/phone-numbers`, read-only here; registration
 * routes live in their own controller). Another tenant's number is a 404.
 */
@Controller('v1/phone-numbers')
@UseGuards(ApiAuthGuard)
@ApiTags('phone-numbers')
@ApiBearerAuth('apiKey')
export class NumbersController {
  constructor(
    private readonly state: AccountStateRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @RequireScopes('messages:read')
  @ApiResponse({ status: 200, schema: { type: 'object', properties: { data: { type: 'array', items: PHONE_NUMBER_SCHEMA } } } })
  async list(@CurrentPrincipal() p: Principal): Promise<{ data: PhoneNumberView[] }> {
    const now = this.clock.now();
    return { data: (await this.state.tenantNumbers(p.tenantId)).map((r) => phoneNumberView(r, now)) };
  }

  @Get(':phoneNumberId')
  @RequireScopes('messages:read')
  @ApiResponse({ status: 200, schema: PHONE_NUMBER_SCHEMA })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA, description: 'not a number of this tenant' })
  async get(@CurrentPrincipal() p: Principal, @Param('phoneNumberId') phoneNumberId: string): Promise<PhoneNumberView> {
    const row = /^\d{1,32}$/.test(phoneNumberId) ? await this.state.tenantNumber(p.tenantId, phoneNumberId) : null;
    if (!row) throw ApiError.notFound('phone number');
    return phoneNumberView(row, this.clock.now());
  }
}
