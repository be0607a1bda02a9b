import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteInChunks, rowCountRunner } from '@wabridge/database';

/** One contact of a tenant's number, as `wa.contact.erased.v1` names it (either id may be absent). */
export interface ErasedContact {
  tenantId: string;
  phoneNumberId: string;
  waId: string | null;
  userId: string | null;
}

/** The history of one contact (ADR 0132); every statement by tenant and number. */
@Injectable()
export class ErasureRepository {
  constructor(private readonly ds: DataSource) {}

  /** The contact's conversations on that number (by either id, or the key it was created with). */
  async conversations(c: ErasedContact): Promise<string[]> {
    const rows = await this.ds.query<{ id: string }[]>(
      `SELECT id FROM conversations WHERE tenant_id = $1 AND phone_number_id = $2
         AND (wa_id = $3 OR user_id = $4 OR contact_key = $3 OR contact_key = $4)`,
      [c.tenantId, c.phoneNumberId, c.waId, c.userId],
    );
    return rows.map((r) => r.id);
  }

  /** The conversation's messages in short statements, then the conversation itself (last, so a retry still finds it). */
  async deleteConversation(tenantId: string, id: string, chunk: number): Promise<number> {
    const run = rowCountRunner(this.ds);
    const messages = await deleteInChunks(run, 'messages', 'tenant_id = $1 AND conversation_id = $2', [tenantId, id], chunk);
    await run('DELETE FROM conversations WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return messages;
  }
}
