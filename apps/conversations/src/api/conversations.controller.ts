import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { TenantId } from '@wabridge/http';
import { ConversationsAuthGuard } from '../common/conversations-auth.guard';
import {
  AssigneeBody, ConversationDetail, ConversationView, HistoryMessageView, ListConversationsQuery, ListMessagesQuery, MarkReadBody, Page,
} from './conversations.dto';
import { ConversationsService } from './conversations.service';

/**
 * The conversation history behind the gateway's `/v1/conversations*` forwarding (DESIGN.md §12,
 * ADR 0130). `POST /v1/conversations/:id/messages` is not here: the gateway sends it itself
 * through its send path (ADR 0131); `POST …/read` here only moves the read marker, the gateway
 * sends Meta's read receipt first.
 */
@Controller('v1/conversations')
@UseGuards(ConversationsAuthGuard)
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get()
  list(@TenantId() tenantId: string, @Query() q: ListConversationsQuery): Promise<Page<ConversationView>> {
    return this.conversations.list(tenantId, q);
  }

  @Get(':id')
  get(@TenantId() tenantId: string, @Param('id') id: string): Promise<ConversationDetail> {
    return this.conversations.get(tenantId, id);
  }

  @Get(':id/messages')
  messages(@TenantId() tenantId: string, @Param('id') id: string, @Query() q: ListMessagesQuery): Promise<Page<HistoryMessageView>> {
    return this.conversations.messages(tenantId, id, q);
  }

  @Post(':id/read')
  @HttpCode(200)
  read(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: MarkReadBody = {}): Promise<ConversationDetail> {
    return this.conversations.markRead(tenantId, id, body?.throughWamid);
  }

  @Put(':id/assignee')
  assign(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: AssigneeBody): Promise<ConversationDetail> {
    return this.conversations.assign(tenantId, id, body.assignee);
  }
}
