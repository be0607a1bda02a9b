import { SecretBox } from '@wabridge/config';
import { createServiceDataSource, freshTestSchema, runMigrations, TestSchema } from '@wabridge/database';
import { DataSource } from 'typeorm';
import { DISPATCHER_MIGRATIONS } from '../database/migrations';
import { Pg } from '../database/pg';
import { NumberConfig, StateRepository } from './state.repository';

const box = new SecretBox(SecretBox.generateKeySpec('k1'));

function config(phoneNumberId: string, revision: number, overrides: Partial<NumberConfig> = {}): NumberConfig {
  return {
    phoneNumberId, tenantId: 'tenant-1', wabaId: 'waba-1', businessId: 'biz-1', status: 'active', pausedReason: null,
    mps: 80, tier: 'TIER_1K', graphBaseUrl: 'https://graph.example', graphApiVersion: 'v23.0',
    accessToken: box.seal(`token-r${revision}`), revision, ...overrides,
  };
}

// The rules the statements carry (the store and the cache rely on them), on real Postgres.
describe('dispatcher state repository (real Postgres)', () => {
  let schema: TestSchema;
  let ds: DataSource;
  let repo: StateRepository;
  let n = 0;
  const number = (): string => `1065403522${String(++n).padStart(5, '0')}`;

  beforeAll(async () => {
    schema = await freshTestSchema('dispatcher_state');
    ds = createServiceDataSource({ url: schema.url, schema: schema.schema, migrations: DISPATCHER_MIGRATIONS, poolSize: 12 });
    await runMigrations(ds);
    repo = new StateRepository(new Pg(ds));
  });
  afterAll(async () => {
    await ds?.destroy();
    await schema?.drop();
  });

  it('keeps the newer config when an older revision arrives, with its sealed token', async () => {
    const id = number();
    expect(await repo.upsertNumber(config(id, 3, { mps: 20 }))).toBe('active');
    expect(await repo.upsertNumber(config(id, 2, { mps: 80, status: 'paused', pausedReason: 'old' }))).toBeUndefined();
    const stored = await repo.number(id);
    expect(stored?.state).toMatchObject({ revision: 3, mps: 20, status: 'active' });
    expect(box.open(stored!.token)).toBe('token-r3');
  });

  it('keeps a pause made here across replays of that revision; a newer revision resumes', async () => {
    const id = number();
    await repo.upsertNumber(config(id, 1));
    const pausedBefore = await repo.countPausedNumbers();
    expect(await repo.pauseNumber(id, '190 token expired', 0)).toBe(false); // a late 190 from an older token
    expect(await repo.pauseNumber(id, '190 token expired', 1)).toBe(true);
    expect(await repo.countPausedNumbers()).toBe(pausedBefore + 1);
    expect(await repo.upsertNumber(config(id, 1))).toBe('paused');
    expect((await repo.number(id))?.state).toMatchObject({ status: 'paused', pausedReason: '190 token expired' });
    expect(await repo.upsertNumber(config(id, 2))).toBe('active');
    expect(await repo.countPausedNumbers()).toBe(pausedBefore);
  });

  it('keeps the newer template status and answers when it was set', async () => {
    const t = { wabaId: `waba-${number()}`, name: 'spring_sale', language: 'en_US' };
    await repo.upsertTemplateStatus({ ...t, status: 'PAUSED', updatedAt: Date.UTC(2026, 11, 6, 11) });
    await repo.upsertTemplateStatus({ ...t, status: 'APPROVED', updatedAt: Date.UTC(2026, 11, 6, 10) });
    expect((await repo.templateStatuses()).find((r) => r.wabaId === t.wabaId)).toEqual({ ...t, status: 'PAUSED', updatedAt: Date.UTC(2026, 11, 6, 11) });
  });

  it('never counts more users against a portfolio than its limit, even when instances race', async () => {
    const biz = `biz-${number()}`;
    const now = Date.now();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => repo.reachPortfolio(biz, `49151000000${i}`, 3, now)));
    expect(answers.filter(Boolean)).toHaveLength(3);
    const reached = answers.findIndex(Boolean);
    expect(await repo.reachPortfolio(biz, `49151000000${reached}`, 3, now + 1000)).toBe(true); // already counted: no new unit
    expect(await repo.reachPortfolio(biz, '4915200000000', 3, now + 1000)).toBe(false);
    expect(await repo.reachPortfolio(biz, '4915200000000', 3, now + 24 * 3600_000 + 1)).toBe(true); // the first users left the moving 24 h
  });
});
