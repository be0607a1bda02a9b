import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteInChunks } from '@wabridge/database';

/** The deletes of the retention prune (ADR 0076), each in chunks of `chunk` rows; each returns how many went. */
@Injectable()
export class RetentionRepository {
  constructor(private readonly ds: DataSource) {}

  pruneProcessedInbound(before: Date, chunk: number): Promise<number> {
    return deleteInChunks(this.ds, 'processed_inbound', 'processed_at < $1', [before], chunk);
  }

  pruneParkedEvents(before: Date, chunk: number): Promise<number> {
    return deleteInChunks(this.ds, 'parked_events', 'parked_at < $1', [before], chunk);
  }

  /** A contact's latest consent change is its current state's proof: it stays however old. */
  pruneOptEvents(before: Date, chunk: number): Promise<number> {
    return deleteInChunks(
      this.ds, 'opt_events',
      'at < $1 AND id < (SELECT max(l.id) FROM opt_events l WHERE l.contact_id = opt_events.contact_id)',
      [before], chunk,
    );
  }
}
