import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@wabridge/http';
import { Clock } from '@wabridge/time';
import { ConversationsEnv } from '../conversations.env';
import { CLOCK } from '../conversations.tokens';
import {
  ConversationDetail, ConversationView, HistoryMessageView, ListConversationsQuery, ListMessagesQuery, Page,
} from './conversations.dto';
import { ConversationRow, ConversationsRepository, MessageRow } from './conversations.repository';
import { decodeCursor, encodeCursor } from './cursor';

const DAY_MS = 86_400_000;
/** Conversation ids are ULIDs: anything else is not one of ours (404, never a query). */
export const CONVERSATION_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function conversationView(r: ConversationRow): ConversationView {
  const v: ConversationView = { id: r.id, phoneNumberId: r.phoneNumberId, lastMessageAt: r.lastMessageAt.toISOString(), unread: r.unread };
  if (r.waId) v.waId = r.waId;
  if (r.userId) v.userId = r.userId;
  if (r.profileName) v.profileName = r.profileName;
  if (r.assignee) v.assignee = r.assignee;
  if (r.lastInboundAt) {
    v.lastInboundAt = r.lastInboundAt.toISOString();
    v.serviceWindowOpenUntil = new Date(r.lastInboundAt.getTime() + DAY_MS).toISOString();
  }
  return v;
}

function messageView(r: MessageRow): HistoryMessageView {
  const v: HistoryMessageView = {
    id: (r.direction === 'outbound' ? r.messageId : r.wamid) ?? r.seq, direction: r.direction, type: r.type, content: r.content, at: r.at.toISOString(),
  };
  if (r.status) v.status = r.status;
  if (r.wamid) v.wamid = r.wamid;
  if (r.error) v.error = r.error;
  if (r.editedAt) v.editedAt = r.editedAt.toISOString();
  if (r.revokedAt) v.revokedAt = r.revokedAt.toISOString();
  return v;
}

/** The tenant API of the history (DESIGN.md §12, ADR 0130): listings, read marker, assignment. */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly repo: ConversationsRepository,
    private readonly env: ConversationsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private limitOf(limit: number | undefined): number {
    if (limit !== undefined && limit > this.env.CONVERSATIONS_MAX_PAGE_SIZE) {
      throw ApiError.badRequest(`limit: must be at most ${this.env.CONVERSATIONS_MAX_PAGE_SIZE}`, [{ field: 'limit', problems: [`at most ${this.env.CONVERSATIONS_MAX_PAGE_SIZE}`] }]);
    }
    return limit ?? this.env.CONVERSATIONS_PAGE_SIZE;
  }

  async list(tenantId: string, q: ListConversationsQuery): Promise<Page<ConversationView>> {
    const limit = this.limitOf(q.limit);
    const before = q.cursor ? decodeCursor(q.cursor, CONVERSATION_ID) : undefined;
    const rows = await this.repo.list(tenantId, { phoneNumberId: q.phoneNumberId, waId: q.waId, userId: q.userId, status: q.status, before, limit: limit + 1, now: this.clock.now() });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { data: page.map(conversationView), nextCursor: rows.length > limit && last ? encodeCursor({ at: last.lastMessageAt, key: last.id }) : null };
  }

  async get(tenantId: string, id: string): Promise<ConversationDetail> {
    const row = CONVERSATION_ID.test(id) ? await this.repo.get(tenantId, id) : undefined;
    if (!row) throw ApiError.notFound('conversation');
    const v: ConversationDetail = conversationView(row);
    if (row.lastInboundWamid) v.lastInboundWamid = row.lastInboundWamid;
    return v;
  }

  async messages(tenantId: string, id: string, q: ListMessagesQuery): Promise<Page<HistoryMessageView>> {
    const limit = this.limitOf(q.limit);
    const after = q.cursor ? decodeCursor(q.cursor, /^\d{1,19}$/) : undefined;
    await this.get(tenantId, id); // 404 for another tenant's conversation (or none), not an empty page
    const rows = await this.repo.messages(tenantId, id, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { data: page.map(messageView), nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at, key: last.seq }) : null };
  }

  async markRead(tenantId: string, id: string, throughWamid: string | undefined): Promise<ConversationDetail> {
    if (!CONVERSATION_ID.test(id)) throw ApiError.notFound('conversation');
    const ok = await this.repo.markRead(tenantId, id, throughWamid, new Date(this.clock.now()));
    if (!ok) {
      await this.get(tenantId, id);
      throw ApiError.notFound(`inbound message ${throughWamid} in this conversation`);
    }
    return this.get(tenantId, id);
  }

  async assign(tenantId: string, id: string, assignee: string | null): Promise<ConversationDetail> {
    if (!CONVERSATION_ID.test(id) || !(await this.repo.assign(tenantId, id, assignee, new Date(this.clock.now())))) throw ApiError.notFound('conversation');
    return this.get(tenantId, id);
  }
}
