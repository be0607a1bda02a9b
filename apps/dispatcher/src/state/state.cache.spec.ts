import { accessTokenAad, SecretBox } from '@wabridge/config';
import { AccountEventV1, NumberChangedV1 } from '@wabridge/contracts';
import { ManualClock } from '../common/clock';
import { AccessTokens } from './access-tokens';
import { StateCache } from './state.cache';
import { NumberConfig, StateRepository, StoredNumber, TemplateStatusRow } from './state.repository';
import { StateStore, UNBOUND_TOKEN_REASON } from './state.store';

const box = new SecretBox(SecretBox.generateKeySpec('k1'));
const NUM = '106540352242922';

/**
 * The tables as a map, with the rules their statements carry (an older revision or an older
 * template fact does not replace a newer one). It counts reads, so a test sees what the cache
 * served without going to the table. The SQL itself is covered by the int tests.
 */
class Tables {
  numbers = new Map<string, StoredNumber>();
  templates = new Map<string, TemplateStatusRow>();
  numberReads = 0;
  templateLoads = 0;

  asRepository(): StateRepository {
    const repo: Partial<StateRepository> = {
      number: async (id) => {
        this.numberReads++;
        const n = this.numbers.get(id);
        return n && { state: { ...n.state }, token: n.token };
      },
      deleteNumber: async (id) => { this.numbers.delete(id); },
      upsertNumber: async (c: NumberConfig) => {
        const stored = this.numbers.get(c.phoneNumberId);
        if (stored && c.revision < stored.state.revision) return undefined;
        const { accessToken, pausedReason, ...state } = c;
        this.numbers.set(c.phoneNumberId, { state: { ...state, pausedReason: pausedReason ?? undefined }, token: accessToken });
        return c.status;
      },
      pauseNumber: async (id, reason) => {
        const n = this.numbers.get(id);
        if (!n) return false;
        n.state = { ...n.state, status: 'paused', pausedReason: reason };
        return true;
      },
      countPausedNumbers: async () => [...this.numbers.values()].filter((n) => n.state.status === 'paused').length,
      upsertTemplateStatus: async (t) => {
        const key = `${t.wabaId}:${t.name}:${t.language}`;
        const stored = this.templates.get(key);
        if (!stored || t.updatedAt >= stored.updatedAt) this.templates.set(key, t);
      },
      templateStatuses: async () => {
        this.templateLoads++;
        return [...this.templates.values()];
      },
    };
    return repo as StateRepository;
  }
}

function config(revision: number, overrides: Partial<NumberChangedV1> = {}): NumberChangedV1 {
  const base = { phoneNumberId: NUM, graphBaseUrl: 'https://graph.example', revision };
  return Object.assign(new NumberChangedV1(), {
    ...base, tenantId: 'tenant-1', displayPhoneNumber: '+15550001', wabaId: 'waba-1', businessId: 'biz-1', appId: 'app-1',
    status: 'active', mps: 80, tier: 'TIER_1K', graphApiVersion: 'v23.0', updatedAt: new Date(0).toISOString(),
    accessToken: box.seal(`token-r${revision}`, accessTokenAad(base)),
    ...overrides,
  });
}

function templateEvent(event: string, occurredAt: string): AccountEventV1 {
  return Object.assign(new AccountEventV1(), {
    field: 'message_template_status_update', wabaId: 'waba-1', templateName: 'spring_sale', templateLanguage: 'en_US',
    event, value: { event }, occurredAt,
  });
}

describe('the dispatcher state cache (no I/O: the tables are a map)', () => {
  let clock: ManualClock;
  let tables: Tables;
  let store: StateStore;

  beforeEach(() => {
    clock = new ManualClock(Date.UTC(2026, 11, 6));
    tables = new Tables();
    store = new StateStore(tables.asRepository(), new StateCache(clock, 1000), new AccessTokens(box), clock);
  });

  it('serves a number from memory for a second, then reads the table again', async () => {
    await store.applyNumber(config(1));
    expect((await store.number(NUM))?.revision).toBe(1);
    expect((await store.number(NUM))?.revision).toBe(1);
    expect(tables.numberReads).toBe(1);
    clock.advance(1000);
    await store.number(NUM);
    expect(tables.numberReads).toBe(2);
  });

  it('answers the new config right after an update, not the cached one (and its token)', async () => {
    await store.applyNumber(config(1));
    expect(await store.accessToken(NUM)).toBe('token-r1');
    await store.applyNumber(config(2, { mps: 20 }));
    expect(await store.number(NUM)).toMatchObject({ revision: 2, mps: 20, status: 'active' });
    expect(await store.accessToken(NUM)).toBe('token-r2');
  });

  it('answers no number right after its removal', async () => {
    await store.applyNumber(config(1));
    expect(await store.number(NUM)).toBeDefined();
    await store.applyNumber(config(1, { deleted: true }));
    expect(await store.number(NUM)).toBeUndefined();
    await expect(store.accessToken(NUM)).rejects.toThrow(`unknown number ${NUM}`);
  });

  it('keeps answering the newer config when a stale one (older revision) arrives', async () => {
    await store.applyNumber(config(3));
    expect(await store.applyNumber(config(2, { status: 'paused', pausedReason: 'old' }))).toEqual({ active: false });
    expect(await store.number(NUM)).toMatchObject({ revision: 3, status: 'active' });
    expect(await store.accessToken(NUM)).toBe('token-r3');
  });

  it('answers paused right after a pause made here, within the cache time', async () => {
    await store.applyNumber(config(1));
    expect((await store.number(NUM))?.status).toBe('active');
    await store.pauseNumber(NUM, '190 token expired', 1);
    expect(await store.number(NUM)).toMatchObject({ status: 'paused', pausedReason: '190 token expired' });
  });

  it('holds a stored number whose token does not open for its config, and refuses an event carrying such a token', async () => {
    const forged = config(2, { graphBaseUrl: 'https://evil.example' });
    forged.accessToken = config(2).accessToken; // sealed for the genuine base URL
    expect(await store.applyNumber(forged)).toEqual({ active: false });
    expect(await store.number(NUM)).toBeUndefined();

    const wrongRevision = config(1);
    tables.numbers.set(NUM, { state: { ...wrongRevision, status: 'active', pausedReason: undefined, revision: 4 } as StoredNumber['state'], token: wrongRevision.accessToken });
    expect(await store.number(NUM)).toMatchObject({ status: 'paused', pausedReason: UNBOUND_TOKEN_REASON });
    await expect(store.accessToken(NUM)).rejects.toThrow(UNBOUND_TOKEN_REASON);
  });

  it('loads template statuses once, then answers each update without the table', async () => {
    await store.applyAccountEvent(templateEvent('APPROVED', '2026-12-06T10:00:00Z'));
    expect(await store.templateStatus('waba-1', 'spring_sale', 'en_US')).toBe('APPROVED');
    await store.markTemplateStatus('waba-1', 'spring_sale', 'en_US', 'PAUSED', Date.parse('2026-12-06T11:00:00Z'));
    expect(await store.templateStatus('waba-1', 'spring_sale', 'en_US')).toBe('PAUSED');
    expect(tables.templateLoads).toBe(1);
  });

  it('ignores a stale template status (a replayed older event) as the table does', async () => {
    await store.applyAccountEvent(templateEvent('PAUSED', '2026-12-06T11:00:00Z'));
    expect(await store.templateStatus('waba-1', 'spring_sale', 'en_US')).toBe('PAUSED');
    await store.applyAccountEvent(templateEvent('APPROVED', '2026-12-06T10:00:00Z'));
    expect(await store.templateStatus('waba-1', 'spring_sale', 'en_US')).toBe('PAUSED');
    expect(tables.templates.get('waba-1:spring_sale:en_US')?.status).toBe('PAUSED');
    await store.applyAccountEvent(templateEvent('APPROVED', '2026-12-06T12:00:00Z'));
    expect(await store.templateStatus('waba-1', 'spring_sale', 'en_US')).toBe('APPROVED');
  });

  it('sees a template change another instance consumed and wrote to the table within the reload time (the state group is shared)', async () => {
    await store.applyAccountEvent(templateEvent('APPROVED', '2026-12-06T10:00:00Z'));
    expect(await store.templateStatus('waba-1', 'spring_sale', 'en_US')).toBe('APPROVED');
    // another instance got the PAUSED event: only the table knows
    tables.templates.set('waba-1:spring_sale:en_US', { wabaId: 'waba-1', name: 'spring_sale', language: 'en_US', status: 'PAUSED', updatedAt: Date.parse('2026-12-06T11:00:00Z') });
    clock.advance(4999);
    expect(await store.templateStatus('waba-1', 'spring_sale', 'en_US')).toBe('APPROVED');
    clock.advance(1);
    // stale: answered from memory while the table is read again, then the newer status
    await store.templateStatus('waba-1', 'spring_sale', 'en_US');
    await new Promise((r) => setImmediate(r));
    expect(await store.templateStatus('waba-1', 'spring_sale', 'en_US')).toBe('PAUSED');
    expect(tables.templateLoads).toBe(2);
  });
});
