import { Body, Controller, Get, Inject, Put, UseGuards } from '@nestjs/common';
import { TenantId } from '@wabridge/http';
import { Clock } from '@wabridge/time';
import { ConversationsAuthGuard } from '../common/conversations-auth.guard';
import { ConversationsEnv } from '../conversations.env';
import { CLOCK } from '../conversations.tokens';
import { ConversationSettingsBody, ConversationSettingsView } from './conversation-settings.dto';
import { TenantSettingsRepository } from '@wabridge/database';

/**
 * A tenant's history settings (ADR 0132). A static path: the router prefers it to
 * `/v1/conversations/:id`, and conversation ids are ULIDs, so no id is ever `settings`.
 */
@Controller('v1/conversations/settings')
@UseGuards(ConversationsAuthGuard)
export class ConversationSettingsController {
  constructor(
    private readonly settings: TenantSettingsRepository,
    private readonly env: ConversationsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async get(@TenantId() tenantId: string): Promise<ConversationSettingsView> {
    return { retentionDays: await this.settings.retentionDays(tenantId), defaultRetentionDays: this.env.CONVERSATIONS_RETENTION_DAYS };
  }

  /** Applies from the next prune (within CONVERSATIONS_RETENTION_INTERVAL_MS). */
  @Put()
  async set(@TenantId() tenantId: string, @Body() body: ConversationSettingsBody): Promise<ConversationSettingsView> {
    await this.settings.setRetentionDays(tenantId, body.retentionDays, new Date(this.clock.now()));
    return this.get(tenantId);
  }
}
