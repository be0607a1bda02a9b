import { randomSuffix, testConnection } from '@wabridge/testing';
import { createKafka } from '../kafka-client';
import { ensureTopics } from './topic-admin';

/**
 * Every service creates the topics it uses at boot, and `npm start`/the platform tests boot six
 * at once: concurrent creates of the same fresh topics must all succeed (one service once exited
 * at boot on "This server does not host this topic-partition" in that race).
 */
describe('ensureTopics under concurrent boots (real broker)', () => {
  it('creates the same fresh topics from six clients at once, and every call succeeds', async () => {
    const suffix = randomSuffix('topics');
    const specs = Array.from({ length: 8 }, (_, i) => ({ topic: `wa.race-${i}.v1`, version: 1 }));
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) =>
      ensureTopics(createKafka(testConnection(suffix, `race-${i}`)), specs, { suffix, partitions: 2, extraTopics: ['race.dlq.v1'] })));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const admin = createKafka(testConnection(suffix, 'race-check')).admin();
    await admin.connect();
    try {
      const topics = new Set(await admin.listTopics());
      for (const s of specs) expect(topics.has(`${s.topic}.${suffix}`)).toBe(true);
    } finally {
      await admin.deleteTopics({ topics: [...specs.map((s) => `${s.topic}.${suffix}`), `race.dlq.v1.${suffix}`] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 120000);
});
