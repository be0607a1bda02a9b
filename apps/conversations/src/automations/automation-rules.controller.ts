import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { TenantId } from '@wabridge/http';
import { ConversationsAuthGuard } from '../common/conversations-auth.guard';
import { AutomationRule } from './automation-rule';
import { CreateRuleBody, ListRulesQuery, UpdateRuleBody } from './automation-rules.dto';
import { AutomationRulesService } from './automation-rules.service';

/** Automation rules behind the gateway's `/v1/automations/rules…` (scope `conversations`, ADR 0133). */
@Controller('v1/automations/rules')
@UseGuards(ConversationsAuthGuard)
export class AutomationRulesController {
  constructor(private readonly rules: AutomationRulesService) {}

  @Get()
  async list(@TenantId() tenantId: string, @Query() q: ListRulesQuery): Promise<{ data: AutomationRule[] }> {
    return { data: await this.rules.list(tenantId, q.phoneNumberId) };
  }

  @Post()
  create(@TenantId() tenantId: string, @Body() body: CreateRuleBody): Promise<AutomationRule> {
    return this.rules.create(tenantId, body);
  }

  @Get(':id')
  get(@TenantId() tenantId: string, @Param('id') id: string): Promise<AutomationRule> {
    return this.rules.get(tenantId, id);
  }

  @Patch(':id')
  update(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: UpdateRuleBody): Promise<AutomationRule> {
    return this.rules.update(tenantId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@TenantId() tenantId: string, @Param('id') id: string): Promise<void> {
    return this.rules.delete(tenantId, id);
  }
}
