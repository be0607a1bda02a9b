import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { OAuthClientView, OAuthService } from '../auth/oauth.service';
import { CurrentPrincipal, Principal, RequireScopes, SCOPES } from '../auth/principal';
import { ERROR_SCHEMA } from '../openapi';
import { CreateOAuthClientDto, CreateOwnApiKeyDto, RotateDto } from './credentials.dto';
import { ApiKeySummary, IssuedApiKey, TenantsService } from './tenants.service';

const DEFAULT_OVERLAP_SECONDS = 3600;

const scopesSchema = { type: 'array', items: { type: 'string', enum: [...SCOPES] } };
const API_KEY_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' }, prefix: { type: 'string' }, name: { type: 'string', nullable: true }, scopes: scopesSchema,
    createdAt: { type: 'string', format: 'date-time' }, expiresAt: { type: 'string', format: 'date-time', nullable: true },
    revokedAt: { type: 'string', format: 'date-time', nullable: true },
  },
};
const ISSUED_KEY_SCHEMA = {
  type: 'object',
  required: ['id', 'key', 'prefix', 'scopes'],
  properties: {
    id: { type: 'string' }, key: { type: 'string', description: 'Shown once' }, prefix: { type: 'string' }, name: { type: 'string', nullable: true },
    scopes: scopesSchema, expiresAt: { type: 'string', format: 'date-time', nullable: true },
    previousKeyExpiresAt: { type: 'string', format: 'date-time', description: 'rotation only: when the old key stops working' },
  },
};
const CLIENT_SCHEMA = {
  type: 'object',
  properties: {
    clientId: { type: 'string' }, name: { type: 'string' }, scopes: scopesSchema, createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: 'string', format: 'date-time', nullable: true },
    previousSecretExpiresAt: { type: 'string', format: 'date-time', nullable: true, description: 'while a rotated-out secret still works' },
  },
};

/**
 * Tenant self-service credentials (ADR 0161-0162): API keys and OAuth2 clients. Managing
 * credentials needs the `admin` scope; a credential never grants scopes its creator lacks.
 */
@Controller('v1')
@UseGuards(ApiAuthGuard)
@RequireScopes('admin')
@ApiTags('credentials')
@ApiBearerAuth('apiKey')
export class CredentialsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly oauth: OAuthService,
  ) {}

  @Post('api-keys')
  @ApiResponse({ status: 201, description: 'The key, shown once', schema: ISSUED_KEY_SCHEMA })
  @ApiResponse({ status: 403, schema: ERROR_SCHEMA, description: 'scopes beyond the caller\'s' })
  createKey(@CurrentPrincipal() p: Principal, @Body() body: CreateOwnApiKeyDto): Promise<IssuedApiKey> {
    return this.tenants.createOwnKey(p, body.scopes, { name: body.name, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined });
  }

  @Get('api-keys')
  @ApiResponse({ status: 200, description: 'The tenant\'s keys (never the key itself)', schema: { type: 'object', properties: { data: { type: 'array', items: API_KEY_SCHEMA } } } })
  async listKeys(@CurrentPrincipal() p: Principal): Promise<{ data: ApiKeySummary[] }> {
    return { data: await this.tenants.listKeys(p.tenantId) };
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @ApiResponse({ status: 204, description: 'Revoked (refused from now on)' })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  async revokeKey(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.tenants.revokeOwnKey(p.tenantId, id);
  }

  @Post('api-keys/:id/rotate')
  @ApiResponse({ status: 201, description: 'A new key with the same name and scopes; the old one works until previousKeyExpiresAt', schema: ISSUED_KEY_SCHEMA })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  rotateKey(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: RotateDto) {
    return this.tenants.rotateOwnKey(p.tenantId, id, body.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS);
  }

  @Post('oauth-clients')
  @ApiResponse({
    status: 201, description: 'The client; its secret is shown once',
    schema: { type: 'object', required: ['clientId', 'clientSecret', 'scopes'], properties: { clientId: { type: 'string' }, clientSecret: { type: 'string' }, name: { type: 'string' }, scopes: scopesSchema } },
  })
  @ApiResponse({ status: 403, schema: ERROR_SCHEMA, description: 'scopes beyond the caller\'s' })
  createClient(@CurrentPrincipal() p: Principal, @Body() body: CreateOAuthClientDto) {
    return this.oauth.createClient(p, body.name, body.scopes);
  }

  @Get('oauth-clients')
  @ApiResponse({ status: 200, schema: { type: 'object', properties: { data: { type: 'array', items: CLIENT_SCHEMA } } } })
  async listClients(@CurrentPrincipal() p: Principal): Promise<{ data: OAuthClientView[] }> {
    return { data: await this.oauth.listClients(p.tenantId) };
  }

  @Delete('oauth-clients/:clientId')
  @HttpCode(204)
  @ApiResponse({ status: 204, description: 'Revoked: no new tokens, and its live tokens are refused (within 5 s on other gateway instances)' })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  async revokeClient(@CurrentPrincipal() p: Principal, @Param('clientId') clientId: string): Promise<void> {
    await this.oauth.revokeClient(p.tenantId, clientId);
  }

  @Post('oauth-clients/:clientId/rotate-secret')
  @ApiResponse({
    status: 201, description: 'A new secret, shown once; the old one works until previousSecretExpiresAt',
    schema: { type: 'object', properties: { clientId: { type: 'string' }, clientSecret: { type: 'string' }, previousSecretExpiresAt: { type: 'string', format: 'date-time' } } },
  })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  rotateSecret(@CurrentPrincipal() p: Principal, @Param('clientId') clientId: string, @Body() body: RotateDto) {
    return this.oauth.rotateSecret(p.tenantId, clientId, body.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS);
  }
}
