import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../auth/admin.guard';
import { SigningKeysService } from '../auth/signing-keys.service';
import { CreateApiKeyDto, CreateAppDto, CreateNumberDto, CreateTenantDto, UpdateNumberDto } from './admin.dto';
import { RegistryService } from './registry.service';
import { TenantsService } from './tenants.service';

/** Operator API (DESIGN.md §12 fixes these routes and shapes; scripts rely on them). */
@Controller('admin/v1')
@UseGuards(AdminGuard)
@ApiTags('admin')
@ApiBearerAuth('admin')
export class AdminController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly registry: RegistryService,
    private readonly signingKeys: SigningKeysService,
  ) {}

  @Post('tenants')
  createTenant(@Body() body: CreateTenantDto) {
    return this.tenants.createTenant(body.name).then(({ id, name, apiKey }) => ({ id, name, apiKey }));
  }

  @Get('tenants')
  async listTenants() {
    return { data: await this.tenants.listTenants() };
  }

  /** No `scopes` → messages:send + messages:read only (ADR 0162); ask for more explicitly. */
  @Post('tenants/:tenantId/api-keys')
  createKey(@Param('tenantId') tenantId: string, @Body() body: CreateApiKeyDto) {
    return this.tenants.createKey(tenantId, body.scopes);
  }

  /** A new OAuth signing key signs from now on; older ones stay in the JWKS until their tokens expired (ADR 0160). */
  @Post('oauth/signing-keys/rotate')
  rotateSigningKey() {
    return this.signingKeys.rotate();
  }

  @Get('tenants/:tenantId/api-keys')
  async listKeys(@Param('tenantId') tenantId: string) {
    return { data: await this.tenants.listKeys(tenantId) };
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  async revokeKey(@Param('id') id: string): Promise<void> {
    await this.tenants.revokeKey(id);
  }

  @Post('apps')
  createApp(@Body() body: CreateAppDto) {
    return this.registry.upsertApp(body.appId, body.appSecret, body.verifyToken);
  }

  @Get('apps')
  async listApps() {
    return { data: await this.registry.listApps() };
  }

  @Post('tenants/:tenantId/phone-numbers')
  createNumber(@Param('tenantId') tenantId: string, @Body() body: CreateNumberDto) {
    return this.registry.createNumber(tenantId, body);
  }

  @Get('tenants/:tenantId/phone-numbers')
  async listNumbers(@Param('tenantId') tenantId: string) {
    await this.tenants.requireTenant(tenantId);
    return { data: await this.registry.listNumbers(tenantId) };
  }

  @Patch('tenants/:tenantId/phone-numbers/:phoneNumberId')
  updateNumber(@Param('tenantId') tenantId: string, @Param('phoneNumberId') phoneNumberId: string, @Body() body: UpdateNumberDto) {
    return this.registry.updateNumber(tenantId, phoneNumberId, body);
  }
}
