import { loadConfig, SecretBox } from '@wabridge/config';
import { endpointSecrets } from '../endpoints/endpoint-secrets';
import { EndpointRow } from '../endpoints/endpoints.repository';
import { NotifierEnv } from '../notifier.env';
import { DATABASE_URL, NotifierHarness, testEnv } from '../testing/notifier-harness';
import { reseal } from './reseal';

const KEY_A = SecretBox.generateKeySpec('a');
const KEY_B = SecretBox.generateKeySpec('b');

describe('reseal (notifier): ENCRYPTION_KEYS rotation', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await NotifierHarness.start({ ENCRYPTION_KEYS: KEY_A });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('re-seals endpoint secrets (and a rotation\'s previous secret) so that they open without the old key', async () => {
    const tenant = `t-${h.suffix}`;
    const first = await h.endpoint(tenant, { url: 'http://127.0.0.1:9/hook' });
    const rotated = await h.http('POST', `/v1/webhook-endpoints/${first.id}/rotate-secret`, { tenant });
    expect(rotated.status).toBe(200);
    const second = await h.endpoint(tenant, { url: 'http://127.0.0.1:9/other' });
    const env = (keys: string): NotifierEnv => loadConfig(NotifierEnv, testEnv(h.suffix, h.schema, { ENCRYPTION_KEYS: keys, DATABASE_URL }));

    const dry = await reseal(env(`${KEY_B},${KEY_A}`), { dryRun: true, batchSize: 1 });
    expect(dry).toEqual({ lines: ['endpoints.secret: 2 to re-seal', 'endpoints.previous_secret: 1 to re-seal', 'dry run: 3 to re-seal with key "b"'] });

    const run = await reseal(env(`${KEY_B},${KEY_A}`), { dryRun: false, batchSize: 1 });
    expect(run).toEqual({ lines: ['endpoints.secret: 2 re-sealed', 'endpoints.previous_secret: 1 re-sealed', '3 re-sealed with key "b"'] });

    // "a" dropped: what the notifier signs with still opens, the new secret and the overlap's old one.
    const rows = await h.sql<EndpointRow>('SELECT * FROM endpoints ORDER BY created_at');
    const onlyB = new SecretBox(KEY_B);
    expect(endpointSecrets(onlyB, rows.find((r) => r.id === first.id)!, Date.now())).toEqual([rotated.body.secret, first.secret]);
    expect(endpointSecrets(onlyB, rows.find((r) => r.id === second.id)!, Date.now())).toEqual([second.secret]);

    expect(await reseal(env(KEY_B), { dryRun: false, batchSize: 1 })).toEqual({ lines: ['0 re-sealed with key "b"'] });
  });
});
