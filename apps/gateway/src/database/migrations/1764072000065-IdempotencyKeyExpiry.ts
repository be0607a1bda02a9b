import { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency keys expire (ADR 0067): the pruner finds keyed rows by age. */
export class IdempotencyKeyExpiry1764072000065 implements MigrationInterface {
  name = 'IdempotencyKeyExpiry1764072000065';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS messages_idempotency_age_idx ON messages (created_at) WHERE idempotency_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS messages_idempotency_age_idx`);
  }
}
