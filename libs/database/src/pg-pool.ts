import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The pg pool under a TypeORM DataSource (postgres driver). TypeORM does not expose it; this is
 * the one place that reaches in for it (ADR 0188), for `Pg` and the chunked deletes.
 */
export function pgPool(ds: DataSource): Pool {
  return (ds.driver as unknown as { master: Pool }).master;
}
