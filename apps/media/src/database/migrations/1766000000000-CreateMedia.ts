import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMedia1766000000000 implements MigrationInterface {
  name = 'CreateMedia1766000000000';

  async up(q: QueryRunner): Promise<void> {
    // A number's tenant and Graph config, from wa.number.changed.v1 (token sealed as published).
    await q.query(`CREATE TABLE numbers (
      phone_number_id text PRIMARY KEY,
      tenant_id text NOT NULL,
      graph_base_url text NOT NULL,
      graph_api_version text NOT NULL,
      access_token jsonb NOT NULL,
      deleted boolean NOT NULL DEFAULT false,
      revision integer NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE media (
      id text PRIMARY KEY,
      tenant_id text NOT NULL,
      phone_number_id text NOT NULL,
      direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
      mime_type text NOT NULL,
      size bigint NOT NULL,
      sha256 text NOT NULL,
      filename text,
      storage_key text NOT NULL,
      meta_media_id text,
      meta_uploaded_at timestamptz,
      wamid text,
      created_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX media_tenant_page_idx ON media (tenant_id, phone_number_id, direction, id)`);
    // An inbound object is stored once per tenant and Meta media id (redeliveries, replays).
    await q.query(`CREATE UNIQUE INDEX media_inbound_uq ON media (tenant_id, meta_media_id) WHERE direction = 'inbound'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE media');
    await q.query('DROP TABLE numbers');
  }
}
