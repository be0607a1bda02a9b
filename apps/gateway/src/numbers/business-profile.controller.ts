import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { BUSINESS_VERIFICATION_STATUSES, BUSINESS_VERTICALS, REVIEW_STATUSES } from '@wabridge/meta';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { CurrentPrincipal, Principal, RequireScopes } from '../auth/principal';
import { ERROR_SCHEMA } from '../openapi';
import { PutBusinessProfileDto } from './business-profile.dto';
import { BusinessProfileService, BusinessProfileView } from './business-profile.service';

const nullableString = { type: 'string', nullable: true };
const PROFILE_SCHEMA = {
  type: 'object',
  properties: {
    legalName: nullableString, displayName: nullableString, category: nullableString,
    vertical: { type: 'string', nullable: true, enum: [...BUSINESS_VERTICALS, null] },
    website: nullableString, email: nullableString, phone: nullableString,
    address: { type: 'object', nullable: true, properties: { street: { type: 'string' }, city: { type: 'string' }, state: { type: 'string' }, postalCode: { type: 'string' }, country: { type: 'string' } } },
    businessVerificationStatus: { type: 'string', enum: [...BUSINESS_VERIFICATION_STATUSES], description: "Meta's business verification, kept current from webhooks and Graph reads" },
    wabas: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          wabaId: { type: 'string' }, reviewStatus: { type: 'string', nullable: true, enum: [...REVIEW_STATUSES, null] },
          businessVerificationStatus: { type: 'string', enum: [...BUSINESS_VERIFICATION_STATUSES] },
          maySend: { type: 'boolean' },
          blocked: { type: 'object', properties: { reason: { type: 'string' }, until: { type: 'string', format: 'date-time' } } },
        },
      },
    },
    updatedAt: { type: 'string', format: 'date-time', nullable: true },
  },
};

/** The tenant's business profile and Meta's verdicts on it (`/v1/business-profile`). */
@Controller('v1/business-profile')
@UseGuards(ApiAuthGuard)
@ApiTags('business-profile')
@ApiBearerAuth('apiKey')
export class BusinessProfileController {
  constructor(private readonly profiles: BusinessProfileService) {}

  @Get()
  @RequireScopes('messages:read')
  @ApiResponse({ status: 200, schema: PROFILE_SCHEMA, description: 'Profile fields are null until the first PUT' })
  get(@CurrentPrincipal() p: Principal): Promise<BusinessProfileView> {
    return this.profiles.get(p.tenantId);
  }

  @Put()
  @RequireScopes('admin')
  @ApiResponse({ status: 200, schema: PROFILE_SCHEMA })
  @ApiResponse({ status: 400, schema: ERROR_SCHEMA, description: 'a field is missing or invalid' })
  put(@CurrentPrincipal() p: Principal, @Body() body: PutBusinessProfileDto): Promise<BusinessProfileView> {
    return this.profiles.put(p.tenantId, body);
  }
}
