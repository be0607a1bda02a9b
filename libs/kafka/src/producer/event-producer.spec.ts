import type { Kafka, ProducerBatch } from 'kafkajs';
import { EventProducer } from './event-producer';

/** A kafkajs client whose producer records each produce request and acknowledges it at once. */
function recordingKafka(): { kafka: Kafka; requests: ProducerBatch[] } {
  const requests: ProducerBatch[] = [];
  const producer = {
    events: { DISCONNECT: 'producer.disconnect' },
    on: () => undefined,
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: async (batch: ProducerBatch) => {
      requests.push(batch);
      return [];
    },
  };
  return { kafka: { producer: () => producer } as unknown as Kafka, requests };
}

const event = (n: number) => ({ topic: 'test.topic', key: String(n), value: { n } });
const messagesOf = (b: ProducerBatch) => (b.topicMessages ?? []).flatMap((t) => t.messages.map((m) => m.key?.toString()));

describe('EventProducer linger', () => {
  afterEach(() => jest.useRealTimers());

  it('with lingerMs 0 sends what was queued in one turn on the next, in one request, without waiting for a timer', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const { kafka, requests } = recordingKafka();
    const producer = new EventProducer(kafka, undefined, { lingerMs: 0 });
    const sent = Promise.all([producer.send(event(1)), producer.send(event(2)), producer.send(event(3))]);
    await new Promise((r) => setImmediate(r)); // timers never advance: only the next turn may flush
    expect(requests.map(messagesOf)).toEqual([['1', '2', '3']]);
    await sent;
  });

  it('with a linger (the default 2 ms) waits for its timer before sending', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const { kafka, requests } = recordingKafka();
    const producer = new EventProducer(kafka, undefined);
    const sent = Promise.all([producer.send(event(1)), producer.send(event(2))]);
    await new Promise((r) => setImmediate(r));
    expect(requests).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(2);
    await sent;
    expect(requests.map(messagesOf)).toEqual([['1', '2']]);
  });
});
