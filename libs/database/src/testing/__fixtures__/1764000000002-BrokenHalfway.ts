import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates a table, then fails: the table must not survive. */
export class BrokenHalfway1764000000002 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE half_done (id int)');
    await q.query('SELECT * FROM no_such_table');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE half_done');
  }
}
