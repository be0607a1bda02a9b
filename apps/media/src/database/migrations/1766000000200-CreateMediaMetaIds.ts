import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Meta media ids obtained on demand (ADR 0110) where the `media` row's own `meta_media_id`
 * cannot hold them: for a number other than the one the object was uploaded through, and for
 * inbound objects (whose `meta_media_id` is the id Meta delivered, unique per tenant). One per
 * object and number, replaced when re-uploaded after it ages.
 */
export class CreateMediaMetaIds1766000000200 implements MigrationInterface {
  name = 'CreateMediaMetaIds1766000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE media_meta_ids (
      tenant_id text NOT NULL,
      media_id text NOT NULL REFERENCES media (id) ON DELETE CASCADE,
      phone_number_id text NOT NULL,
      meta_media_id text NOT NULL,
      uploaded_at timestamptz NOT NULL,
      PRIMARY KEY (media_id, phone_number_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE media_meta_ids');
  }
}
