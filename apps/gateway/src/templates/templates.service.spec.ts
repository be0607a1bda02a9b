import { AccountEventV1 } from '@wabridge/contracts';
import { ApiError } from '@wabridge/http';
import type { RegistryService } from '../accounts/registry.service';
import type { GraphClient } from '../graph/graph.client';
import { SENDABLE_CACHE_TTL_MS, TemplatesService } from './templates.service';
import type { TemplatesRepository } from './templates.repository';

type Row = { name: string; language: string; status: string; category: string };

/** The mirror as the repository answers it, counting lookups. */
function setup(rows: Row[]) {
  const lookups: string[] = [];
  let release: (() => void) | null = null;
  const repo = {
    hold: false,
    sendability: async (tenantId: string, wabaId: string) => {
      lookups.push(`${tenantId}/${wabaId}`);
      if (repo.hold) await new Promise<void>((r) => { release = r; });
      return rows.map((r) => ({ ...r }));
    },
    setStatus: async (key: { name?: string | null }, status: string) => {
      for (const r of rows) if (r.name === key.name) r.status = status;
    },
  };
  const service = new TemplatesService(repo as unknown as TemplatesRepository, {} as RegistryService, {} as GraphClient);
  const check = (name: string, tenant = 't1') => service.assertSendable(tenant, 'waba-1', { name, language: { code: 'en_US' } });
  return { service, repo, rows, lookups, check, release: () => release?.() };
}

const statusEvent = (name: string, event: string): AccountEventV1 =>
  Object.assign(new AccountEventV1(), { wabaId: 'waba-1', field: 'message_template_status_update', event, templateName: name, templateLanguage: 'en_US', value: {} });

describe('TemplatesService.assertSendable: the send path\'s template check (ADR 0220)', () => {
  afterEach(() => jest.useRealTimers());

  it('asks the mirror once for concurrent checks and for a sendable template within the TTL, per tenant', async () => {
    const t = setup([{ name: 'hello', language: 'en_US', status: 'APPROVED', category: 'UTILITY' }]);
    t.repo.hold = true;
    const first = Promise.all([t.check('hello'), t.check('hello'), t.check('hello')]);
    await Promise.resolve();
    expect(t.lookups).toHaveLength(1);
    t.repo.hold = false;
    t.release();
    await expect(first).resolves.toEqual(['UTILITY', 'UTILITY', 'UTILITY']);
    await expect(t.check('hello')).resolves.toBe('UTILITY');
    expect(t.lookups).toEqual(['t1/waba-1']);
    await expect(t.check('hello', 't2')).resolves.toBe('UTILITY');
    expect(t.lookups).toEqual(['t1/waba-1', 't2/waba-1']);
  });

  it('does not keep a refusal: a template approved a moment later is sendable at once', async () => {
    const t = setup([{ name: 'promo', language: 'en_US', status: 'PENDING', category: 'MARKETING' }]);
    await expect(t.check('promo')).rejects.toMatchObject({ status: 400, message: expect.stringContaining('is PENDING, not APPROVED') });
    await expect(t.check('nope')).rejects.toBeInstanceOf(ApiError);
    t.rows[0]!.status = 'APPROVED'; // approved elsewhere (another instance took the webhook)
    await expect(t.check('promo')).resolves.toBe('MARKETING');
  });

  it('refuses a template paused through this instance at once, and one paused elsewhere within the TTL', async () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 11, 7), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const t = setup([
      { name: 'a', language: 'en_US', status: 'APPROVED', category: 'UTILITY' },
      { name: 'b', language: 'en_US', status: 'APPROVED', category: 'UTILITY' },
    ]);
    await expect(t.check('a')).resolves.toBe('UTILITY');
    await expect(t.check('b')).resolves.toBe('UTILITY');
    await t.service.applyAccountEvent(statusEvent('a', 'PAUSED'));
    await expect(t.check('a')).rejects.toMatchObject({ message: expect.stringContaining('is PAUSED') });

    await expect(t.check('b')).resolves.toBe('UTILITY'); // read again after the change
    t.rows[1]!.status = 'DISABLED'; // changed by another instance: this one has not heard
    await expect(t.check('b')).resolves.toBe('UTILITY');
    jest.setSystemTime(Date.now() + SENDABLE_CACHE_TTL_MS);
    await expect(t.check('b')).rejects.toMatchObject({ message: expect.stringContaining('is DISABLED') });
  });

  it('leaves an unmirrored WABA to Meta (no category) and keeps that answer too', async () => {
    const t = setup([]);
    await expect(t.check('anything')).resolves.toBeUndefined();
    await expect(t.check('anything')).resolves.toBeUndefined();
    expect(t.lookups).toHaveLength(1);
  });
});
