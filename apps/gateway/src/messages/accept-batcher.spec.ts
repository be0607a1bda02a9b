import type { EventProducer, OutgoingEvent } from '@wabridge/kafka';
import { exposedGc, oldSpaceUsed } from '@wabridge/testing';
import { AcceptBatcher } from './accept-batcher';
import type { MessagesRepository, NewMessage } from './messages.repository';

describe('AcceptBatcher', () => {
  it('leaves nothing of a finished send for a young-generation GC to keep', async () => {
    const messages = {
      acceptMany: async (rows: NewMessage[], whileOpen: (ids: Set<string>) => Promise<void>) => {
        const ids = new Set(rows.map((r) => r.id));
        await whileOpen(ids);
        return ids;
      },
    } as unknown as MessagesRepository;
    const producer = { send: async () => undefined } as unknown as EventProducer;
    const batcher = new AcceptBatcher(messages, producer);
    const gc = exposedGc();
    gc({ type: 'major', execution: 'sync' });
    const before = oldSpaceUsed();

    // 4,000 sends, each command holding ~8 KB, in rounds small enough that a round's own
    // commands (alive until produced) are a small part of it. Before ADR 0207 every captured
    // command outlived its send until the next full GC, so these scavenges promoted all of it.
    const rounds = 20;
    const perRound = 200;
    for (let r = 0; r < rounds; r++) {
      const sends = [];
      for (let i = 0; i < perRound; i++) {
        const n = r * perRound + i;
        const row = { id: `m${n}`, tenantId: 't', idempotencyKey: `k${n}` } as unknown as NewMessage;
        const event = { key: `m${n}`, payload: new Array<number>(1000).fill(n) } as unknown as OutgoingEvent;
        sends.push(batcher.accept(row, event));
      }
      await expect(Promise.all(sends)).resolves.toHaveLength(perRound);
      gc({ type: 'minor', execution: 'sync' });
    }
    gc({ type: 'minor', execution: 'sync' });
    gc({ type: 'minor', execution: 'sync' });

    const captured = rounds * perRound * 8000;
    const promoted = oldSpaceUsed() - before;
    // With the commands kept, ~32 MB (all of it) reached the old generation; without, noise.
    expect(promoted).toBeLessThan(captured / 4);
  });

  it('runs one batch at a time by default: sends arriving meanwhile wait and go together as the next (ADR 0211)', async () => {
    const batches: string[][] = [];
    let inFlight = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const messages = {
      acceptMany: async (rows: NewMessage[], whileOpen: (ids: Set<string>) => Promise<void>) => {
        batches.push(rows.map((r) => r.id));
        most = Math.max(most, ++inFlight);
        const ids = new Set(rows.map((r) => r.id));
        await new Promise<void>((release) => gates.push(release));
        await whileOpen(ids);
        inFlight--;
        return ids;
      },
    } as unknown as MessagesRepository;
    const producer = { send: async () => undefined } as unknown as EventProducer;
    const batcher = new AcceptBatcher(messages, producer);
    const send = (id: string) => batcher.accept({ id, tenantId: 't', idempotencyKey: id } as unknown as NewMessage, { key: id } as unknown as OutgoingEvent);
    const first = send('a');
    await new Promise((r) => setImmediate(r));
    const later = [send('b'), send('c')];
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([['a']]);
    gates.shift()!();
    await expect(first).resolves.toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([['a'], ['b', 'c']]);
    gates.shift()!();
    await expect(Promise.all(later)).resolves.toEqual([true, true]);
    expect(most).toBe(1);
  });
});
