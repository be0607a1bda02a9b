import type { Kafka } from 'kafkajs';
import { waitFor } from '@wabridge/testing';
import { RegistryCatchUp } from './registry-catch-up';

/** A Kafka client whose admin fails to read the registry's offsets `failures` times, then reads empty topics. */
function kafkaFailingFirst(failures: number): { kafka: Kafka; reads: () => number } {
  let reads = 0;
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicOffsets: async () => {
      reads++;
      if (reads <= failures) throw new Error('This server does not host this topic-partition');
      return [{ partition: 0, offset: '0', high: '0', low: '0' }];
    },
  };
  return { kafka: { admin: () => admin } as unknown as Kafka, reads: () => reads };
}

describe('registry catch-up at boot', () => {
  it('reads where the registry stands again after a failed first read, so readiness comes without a webhook', async () => {
    const { kafka, reads } = kafkaFailingFirst(2);
    const catchUp = new RegistryCatchUp(kafka, ['wa.number.changed.v1'], 15000, 5);
    catchUp.startAtBoot(10);
    try {
      await waitFor(() => catchUp.caughtUp, { what: 'caught up after two failed reads', timeoutMs: 2000, intervalMs: 5 });
      expect(reads()).toBe(3);
    } finally {
      catchUp.stop();
    }
  });

  it('stops trying once stopped', async () => {
    const { kafka, reads } = kafkaFailingFirst(1000);
    const catchUp = new RegistryCatchUp(kafka, ['wa.number.changed.v1'], 15000, 5);
    catchUp.startAtBoot(10);
    await waitFor(() => reads() >= 2, { what: 'a retry', timeoutMs: 2000, intervalMs: 5 });
    catchUp.stop();
    const after = reads();
    await new Promise((r) => setTimeout(r, 60));
    expect(reads()).toBeLessThanOrEqual(after + 1);
    expect(catchUp.caughtUp).toBe(false);
  });
});
