import { NotifierHarness } from '../testing/notifier-harness';

/**
 * ADR 0208: successful outcomes are written by the function `notifier_delivered`, whose statement
 * PL/pgSQL plans once per session; sequential scans and hash/merge joins are off while it is
 * planned, so a plan made on a small table without statistics stays index probes as it grows.
 */
describe('notifier outcome statement as a function', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await NotifierHarness.start();
  }, 90000);
  afterAll(async () => {
    await h?.stop();
  });

  it('exists in the service schema with the planner settings that keep its cached plan index-based', async () => {
    const [fn] = await h.sql<{ config: string[]; schema: string; current: string }>(
      `SELECT p.proconfig AS config, n.nspname AS schema, current_schema() AS current
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'notifier_delivered' AND n.nspname = current_schema()`,
    );
    expect(fn?.schema).toBe(fn?.current);
    expect(fn?.config).toEqual(expect.arrayContaining(['enable_seqscan=off', 'enable_hashjoin=off', 'enable_mergejoin=off']));
  }, 60000);
});
