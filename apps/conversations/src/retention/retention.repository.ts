import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteInChunks, rowCountRunner, type TenantRetention } from '@wabridge/database';

/** The SQL of the retention prune (ADR 0132); every statement but the tenant list is per tenant. */
@Injectable()
export class RetentionRepository {
  constructor(private readonly ds: DataSource) {}

  /** Every tenant holding conversations, with its setting: a skip scan over the index leading with tenant_id. */
  async tenants(): Promise<TenantRetention[]> {
    return this.ds.query<TenantRetention[]>(
      `WITH RECURSIVE t AS (
         (SELECT tenant_id FROM conversations ORDER BY tenant_id LIMIT 1)
         UNION ALL
         SELECT (SELECT tenant_id FROM conversations WHERE tenant_id > t.tenant_id ORDER BY tenant_id LIMIT 1) FROM t WHERE t.tenant_id IS NOT NULL
       )
       SELECT t.tenant_id AS "tenantId", s.retention_days AS "retentionDays"
       FROM t LEFT JOIN tenant_settings s ON s.tenant_id = t.tenant_id
       WHERE t.tenant_id IS NOT NULL ORDER BY t.tenant_id`,
    );
  }

  /** The tenant's messages older than `before` (their own time), in short statements. */
  pruneMessages(tenantId: string, before: Date, chunk: number): Promise<number> {
    return deleteInChunks(rowCountRunner(this.ds), 'messages', 'tenant_id = $1 AND at < $2', [tenantId, before], chunk);
  }

  /** Records of automation firings older than `before` (they name deleted messages; cooldowns and budgets read only the last 7 days). */
  pruneFirings(tenantId: string, before: Date, chunk: number): Promise<number> {
    return deleteInChunks(rowCountRunner(this.ds), 'automation_firings', 'tenant_id = $1 AND at < $2', [tenantId, before], chunk);
  }

  /** Conversations with nothing left whose last message is older than `before`. */
  pruneConversations(tenantId: string, before: Date, chunk: number): Promise<number> {
    return deleteInChunks(rowCountRunner(this.ds), 'conversations',
      'tenant_id = $1 AND last_message_at < $2 AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id)', [tenantId, before], chunk);
  }
}
