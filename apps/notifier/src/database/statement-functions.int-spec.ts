import { NotifierHarness } from '../testing/notifier-harness';

/**
 * The notifier's two hot statements are PL/pgSQL functions, whose statement PL/pgSQL plans once per
 * session: successful outcomes (`notifier_delivered`, ADR 0208) and consumed batches
 * (`notifier_write_and_lease`, ADR 0209). Their planner settings keep a plan made on small tables
 * without statistics index probes as the tables grow: sequential scans and hash/merge joins off for
 * the first; sequential scans off and the generic plan always for the second (its joins between
 * the batch's own rows stay hash joins). One spec file for both: CI starts the harness once.
 */
describe('notifier statements as functions', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await NotifierHarness.start();
  }, 90000);
  afterAll(async () => {
    await h?.stop();
  });

  async function fn(name: string): Promise<{ config: string[]; schema: string; current: string; result: string } | undefined> {
    const [row] = await h.sql<{ config: string[]; schema: string; current: string; result: string }>(
      `SELECT p.proconfig AS config, n.nspname AS schema, current_schema() AS current, pg_get_function_result(p.oid) AS result
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = $1 AND n.nspname = current_schema()`,
      [name],
    );
    return row;
  }

  it('writes outcomes with notifier_delivered, in the service schema with the planner settings that keep its cached plan index-based', async () => {
    const f = await fn('notifier_delivered');
    expect(f?.schema).toBe(f?.current);
    expect(f?.config).toEqual(expect.arrayContaining(['enable_seqscan=off', 'enable_hashjoin=off', 'enable_mergejoin=off']));
  }, 60000);

  it('writes consumed batches with notifier_write_and_lease, in the service schema, planned once with sequential scans off', async () => {
    const f = await fn('notifier_write_and_lease');
    expect(f?.schema).toBe(f?.current);
    expect(f?.config).toEqual(expect.arrayContaining(['enable_seqscan=off', 'plan_cache_mode=force_generic_plan']));
    expect(f?.result).toBe('TABLE(o_id text, o_endpoint_id text, o_event_id text, o_conversation_key text, o_token text, o_extended boolean)');
  }, 60000);
});
