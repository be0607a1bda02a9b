import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig, SealedSecret, SecretBox } from '@wabridge/config';
import { NUMBER_CHANGED_V1, NumberChangedV1 } from '@wabridge/contracts';
import { createServiceDataSource } from '@wabridge/database';
import { TEST_BROKERS, TopicCollector, waitFor } from '@wabridge/testing';
import { eventAad } from '../accounts/registry.publisher';
import { GatewayEnv } from '../config/gateway.env';
import { seedTenant, startGateway, TEST_DATABASE_URL, TenantFixture } from '../testing/gateway-harness';
import { reseal, ResealArgs } from './reseal';
import { GATEWAY_SEALED_COLUMNS, SealedColumnRepository } from './sealed-columns.repository';

const KEY_A = SecretBox.generateKeySpec('a');
const KEY_B = SecretBox.generateKeySpec('b');
const run: ResealArgs = { dryRun: false, batchSize: 2, republish: true };

/** Every sealed value of the schema with its AAD, as the gateway's writers sealed it. */
async function sealedValues(db: DataSource): Promise<{ column: string; id: string; sealed: SealedSecret; aad: string }[]> {
  const out: { column: string; id: string; sealed: SealedSecret; aad: string }[] = [];
  for (const spec of GATEWAY_SEALED_COLUMNS) {
    const rows: { id: string; sealed: SealedSecret }[] = await db.query(`SELECT ${spec.id} AS id, ${spec.column} AS sealed FROM ${spec.table}`);
    for (const r of rows) out.push({ column: `${spec.table}.${spec.column}`, id: r.id, sealed: r.sealed, aad: spec.aad(r.id) });
  }
  return out;
}

describe('reseal (gateway): ENCRYPTION_KEYS rotation', () => {
  let schema: string;
  let suffix: string;
  let db: DataSource;
  let tenant: TenantFixture;
  const envWith = (keys: string): GatewayEnv => loadConfig(GatewayEnv, {
    NODE_ENV: 'test', DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, ENCRYPTION_KEYS: keys,
    KAFKA_BROKERS: TEST_BROKERS.join(','), TOPIC_SUFFIX: suffix,
  });

  beforeAll(async () => {
    // The gateway as it ran before the rotation: everything sealed with key "a".
    const h = await startGateway({ ENCRYPTION_KEYS: KEY_A, KAFKA_PARTITIONS: '1' });
    schema = h.schema;
    suffix = h.suffix;
    tenant = await seedTenant(h);
    await h.gw.close(); // the schema stays: this suite drops it
    db = createServiceDataSource({ url: TEST_DATABASE_URL, schema: schema, poolSize: 2 });
    await db.initialize();
    // An embedded signup's business token (the onboarding flow needs Meta; the row is what matters).
    const signup = GATEWAY_SEALED_COLUMNS.find((c) => c.table === 'embedded_signups')!;
    const id = `sig${randomBytes(6).toString('hex')}`;
    await db.query(
      `INSERT INTO embedded_signups (id, tenant_id, app_id, code_hash, business_token, waba_ids, result) VALUES ($1, $2, $3, $4, $5, $6, '{}')`,
      [id, tenant.tenantId, tenant.appId, randomBytes(32), new SecretBox(KEY_A).seal('EAAG-business-token', signup.aad(id)), [tenant.wabaId]],
    );
  });

  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it('re-seals every secret with the new key, so the old key can be dropped, and republishes the registry with it', async () => {
    const before = await sealedValues(db);
    expect(before.map((v) => v.column).sort()).toEqual([
      'embedded_signups.business_token', 'meta_apps.app_secret', 'meta_apps.verify_token', 'oauth_signing_keys.private_key', 'phone_numbers.access_token',
    ]);
    expect(before.every((v) => v.sealed.keyId === 'a')).toBe(true);

    const rotated = envWith(`${KEY_B},${KEY_A}`);
    const dry = await reseal(rotated, { ...run, dryRun: true });
    expect(dry.failure).toBeUndefined();
    expect(dry.lines).toContain('dry run: 5 to re-seal with key "b"');
    expect((await sealedValues(db)).map((v) => v.sealed)).toEqual(before.map((v) => v.sealed)); // a dry run writes nothing

    const numbers = await TopicCollector.start<NumberChangedV1>(NUMBER_CHANGED_V1.topic, suffix);
    try {
      const first = await reseal(rotated, run);
      expect(first.failure).toBeUndefined();
      expect(first.lines).toContain('phone_numbers.access_token: 1 re-sealed');
      expect(first.lines).toContain('5 re-sealed with key "b"');
      expect(first.lines).toContain('republished 2 of 2 app/number configurations (sealed with key "b")');

      // Key "a" dropped: every stored value still opens, with the AAD its writer used.
      const onlyB = new SecretBox(KEY_B);
      const after = await sealedValues(db);
      expect(after.map((v) => [v.column, v.sealed.keyId])).toEqual(before.map((v) => [v.column, 'b']));
      const opened = after.map((v) => onlyB.open(v.sealed, v.aad));
      expect(opened).toContain(`EAAG-token-${tenant.phoneNumberId}`);
      expect(opened).toContain(`secret-${tenant.appId}`);
      expect(opened).toContain('EAAG-business-token');
      expect(opened.find((p) => p.includes('PRIVATE KEY'))).toBeDefined();

      // The dispatcher's, media's and ingress's copies come from this event: it opens with "b" alone.
      // (The topic also holds the number's first event, sealed with "a" when it was registered.)
      const resealed = (): NumberChangedV1 | undefined =>
        numbers.values().find((e) => e.phoneNumberId === tenant.phoneNumberId && e.accessToken.keyId === 'b');
      await waitFor(() => resealed() !== undefined, { what: 'the number republished with key "b"', timeoutMs: 20000 });
      const event = resealed()!;
      expect(onlyB.open(event.accessToken, eventAad.number({ phone_number_id: event.phoneNumberId, graph_base_url: event.graphBaseUrl, revision: event.revision })))
        .toBe(`EAAG-token-${tenant.phoneNumberId}`);
    } finally {
      await numbers.stop();
    }

    const second = await reseal(envWith(KEY_B), { ...run, republish: false });
    expect(second).toEqual({ lines: ['0 re-sealed with key "b"'] });
  });

  it('leaves a value alone when the gateway re-sealed it between read and write', async () => {
    const store = new SealedColumnRepository(db, GATEWAY_SEALED_COLUMNS.find((c) => c.column === 'access_token')!);
    const a = new SecretBox(KEY_A);
    const aad = store.aad(tenant.phoneNumberId);
    const read = a.seal('old-token', aad);
    await db.query('UPDATE phone_numbers SET access_token = $2 WHERE phone_number_id = $1', [tenant.phoneNumberId, read]);
    const [row] = await store.listNotSealedWith('b', undefined, 10);
    expect(row).toEqual({ id: tenant.phoneNumberId, sealed: read });

    const written = new SecretBox(KEY_B).seal('token-the-tenant-just-set', aad); // a PATCH meanwhile
    await db.query('UPDATE phone_numbers SET access_token = $2 WHERE phone_number_id = $1', [tenant.phoneNumberId, written]);
    expect(await store.replaceIfUnchanged(row!.id, row!.sealed, new SecretBox(`${KEY_B},${KEY_A}`).seal('old-token', aad))).toBe(false);

    const [stored]: { access_token: SealedSecret }[] = await db.query('SELECT access_token FROM phone_numbers WHERE phone_number_id = $1', [tenant.phoneNumberId]);
    expect(new SecretBox(KEY_B).open(stored!.access_token, aad)).toBe('token-the-tenant-just-set');
  });

  it('fails with one line naming the value no key opens, and still re-seals the others', async () => {
    const lost = SecretBox.generateKeySpec('lost');
    const aad = GATEWAY_SEALED_COLUMNS.find((c) => c.column === 'access_token')!.aad(tenant.phoneNumberId);
    await db.query('UPDATE phone_numbers SET access_token = $2 WHERE phone_number_id = $1', [tenant.phoneNumberId, new SecretBox(lost).seal('t', aad)]);
    await db.query('UPDATE meta_apps SET verify_token = $2 WHERE app_id = $1',
      [tenant.appId, new SecretBox(KEY_A).seal('verify', GATEWAY_SEALED_COLUMNS.find((c) => c.column === 'verify_token')!.aad(tenant.appId))]);

    const outcome = await reseal(envWith(`${KEY_B},${KEY_A}`), { ...run, republish: false });
    expect(outcome.failure).toBe(
      `1 sealed value(s) open with no key in ENCRYPTION_KEYS (phone_numbers.access_token ${tenant.phoneNumberId}): put back the key that sealed them and run again; do not drop any key yet`,
    );
    expect(outcome.lines).toContain('meta_apps.verify_token: 1 re-sealed');
    expect(outcome.lines).toContain('phone_numbers.access_token: 0 re-sealed, 1 open with no key');
  });
});
