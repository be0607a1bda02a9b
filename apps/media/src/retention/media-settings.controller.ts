import { Body, Controller, Get, Inject, Put, UseGuards } from '@nestjs/common';
import { TenantId } from '@wabridge/http';
import { Clock } from '@wabridge/time';
import { MediaAuthGuard } from '../common/media-auth.guard';
import { MediaEnv } from '../media.env';
import { CLOCK } from '../media.tokens';
import { MediaSettingsBody, MediaSettingsView } from './media-settings.dto';
import { TenantSettingsRepository } from '@wabridge/database';

/**
 * A tenant's media settings, behind the gateway's `/v1/media*` forwarding (ADR 0112). A static
 * path: the router prefers it to `/v1/media/:id` whatever the registration order, and media ids
 * are 26-character ULIDs, so no id is ever `settings`.
 */
@Controller('v1/media/settings')
@UseGuards(MediaAuthGuard)
export class MediaSettingsController {
  constructor(
    private readonly settings: TenantSettingsRepository,
    private readonly env: MediaEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async get(@TenantId() tenantId: string): Promise<MediaSettingsView> {
    return { retentionDays: await this.settings.retentionDays(tenantId), defaultRetentionDays: this.env.MEDIA_RETENTION_DAYS };
  }

  /** Applies from the next prune (within MEDIA_RETENTION_INTERVAL_MS). */
  @Put()
  async set(@TenantId() tenantId: string, @Body() body: MediaSettingsBody): Promise<MediaSettingsView> {
    await this.settings.setRetentionDays(tenantId, body.retentionDays, new Date(this.clock.now()));
    return this.get(tenantId);
  }
}
