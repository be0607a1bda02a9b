import { IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseEnv, ProductionSecret } from '@wabridge/config';

/** Environment of the contacts service (validated once at boot). */
export class ContactsEnv extends BaseEnv {
  @IsInt() @Min(0) @Max(65535)
  PORT = 3003;

  /** Shared secret the gateway sends in `x-internal-token`; requests without it are refused. */
  @ProductionSecret() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  INTERNAL_TOKEN!: string;

  /** Postgres schema this service owns. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case SQL identifier' })
  DATABASE_SCHEMA = 'contacts';

  /** Consumer group (its DLQ is `<group>.dlq.v1`). */
  @Matches(/^[a-zA-Z0-9._-]+$/)
  CONTACTS_CONSUMER_GROUP = 'contacts';

  /** Partitions whose messages are applied in parallel (order within a partition is kept). */
  @IsInt() @Min(1) @Max(100)
  CONTACTS_CONSUMER_CONCURRENCY = 6;

  /** Largest `attributes` object of one contact, in bytes of its JSON. */
  @IsInt() @Min(2) @Max(1048576)
  CONTACTS_MAX_ATTRIBUTES_BYTES = 16384;

  /** Rows written per statement during an import. */
  @IsInt() @Min(1) @Max(10000)
  CONTACTS_IMPORT_BATCH_ROWS = 1000;

  /** Longest request (a streamed import reads its body at database pace, so this bounds an import). */
  @IsInt() @Min(1000) @Max(3600000)
  CONTACTS_REQUEST_TIMEOUT_MS = 900000;

  /**
   * Longest single record of an import (a CSV record, a JSON element, an NDJSON line), in
   * UTF-8 bytes: the parser stops at once above it and the import answers 413 (ADR 0065).
   */
  @IsInt() @Min(1024) @Max(16777216)
  CONTACTS_IMPORT_MAX_RECORD_BYTES = 65536;

  /** Per-row errors listed in an import report (the rest are only counted). */
  @IsInt() @Min(0) @Max(100000)
  CONTACTS_IMPORT_MAX_ERRORS = 1000;

  /**
   * Days a processed inbound wamid is kept (idempotency ledger and the export's inbound list).
   * Longer than any redelivery: Meta retries for 7 days, Kafka replays within its retention.
   */
  @IsInt() @Min(1) @Max(3650)
  CONTACTS_PROCESSED_INBOUND_RETENTION_DAYS = 30;

  /** Days an event parked for a number no tenant ever registered is kept before it is dropped. */
  @IsInt() @Min(1) @Max(3650)
  CONTACTS_PARKED_EVENTS_RETENTION_DAYS = 30;

  /** Days of consent history kept; a contact's latest opt event stays however old it is. */
  @IsInt() @Min(1) @Max(36500)
  CONTACTS_OPT_EVENTS_RETENTION_DAYS = 730;

  /** How often the retention prune runs (also once at boot). */
  @IsInt() @Min(1000)
  CONTACTS_RETENTION_INTERVAL_MS = 3600000;

  /** Rows per DELETE statement of the retention prune (short locks). */
  @IsInt() @Min(1) @Max(100000)
  CONTACTS_RETENTION_CHUNK_ROWS = 5000;
}
