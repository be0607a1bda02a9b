import { ManualClock } from '../common/clock';
import { ContactState } from '../compliance/compliance';
import { MessageRow } from '../messages/message.repository';
import { number, ourId, request, retryOf, row, T0, template } from '../testing/pipeline-fakes';
import { AdmissionOptions, AdmissionService, NumberContext } from './admission.service';

const OPTIONS: AdmissionOptions = { inlineHorizonMs: 2000, reconcileTimeoutMs: 120_000, unknownNumberGraceMs: 30_000, windowGraceMs: 15_000 };
const open: ContactState = { optedOut: false, reachable: true, windowOpenUntil: T0 + 3600_000 };
const closed: ContactState = { optedOut: false, reachable: true, windowOpenUntil: T0 - 1000 };

function setup(o: { applied?: boolean; heldUntil?: number; category?: string; wamids?: Map<string, { wamid: string | null; status: string }>; options?: Partial<AdmissionOptions> } = {}) {
  const clock = new ManualClock(T0);
  const holdQueries: string[][] = [];
  const state = {
    number: async () => number(),
    contacts: async () => new Map(),
    templateStatus: async () => undefined,
    marketingHolds: async (_business: string, recipients: string[]) => {
      holdQueries.push(recipients);
      return new Map(o.heldUntil === undefined ? [] : recipients.map((r) => [r, o.heldUntil as number]));
    },
    templateCategory: async () => o.category,
  };
  const repo = {
    claim: async () => new Map<string, MessageRow>(),
    wamidOf: async (_t: string, id: string) => o.wamids?.get(id) as { wamid: string | null; status: never } | undefined,
  };
  const admission = new AdmissionService(repo, state, clock, { ...OPTIONS, ...o.options }, async () => o.applied ?? true);
  return { admission, clock, holdQueries };
}

function ctx(contact?: ContactState, n = number()): NumberContext {
  return { number: n, contacts: new Map(contact ? [['tenant-1:4915100000001', contact]] : []), marketingHolds: new Map() };
}

describe('admission: which copy is worked on, and whether the message may go', () => {
  it('refuses a free-form message outside the 24 h window before any Graph call, and admits a template there as business-initiated', async () => {
    const { admission, clock } = setup();
    const text = request();
    clock.advance(15_000); // past the grace for the window update
    expect(await admission.admit({ request: text }, row(text), ctx(closed))).toEqual({
      kind: 'reject', code: 'outside-window', reason: expect.stringContaining('24 h customer-service window'),
    });
    const tpl = template();
    expect(await admission.admit({ request: tpl }, row(tpl), ctx(closed))).toMatchObject({ kind: 'admit', businessInitiated: true });
    expect(await admission.admit({ request: text }, row(text), ctx(open))).toMatchObject({ kind: 'admit', businessInitiated: false });
  });

  it.each([['an API send', 'api'], ['an internal reply', 'kafka']] as const)('lets %s wait for its window for WINDOW_GRACE_MS (after 0.25, 0.5, 1, 2, 4, 8, 12 s and at 15 s), then refuses it', async (_what, source) => {
    const { admission, clock } = setup();
    const text = request({ source });
    const looks: number[] = [];
    for (;;) {
      const d = await admission.admit({ request: text }, row(text), ctx(closed));
      if (d?.kind !== 'defer') {
        expect(d).toMatchObject({ kind: 'reject', code: 'outside-window' });
        break;
      }
      expect(d).toEqual({ kind: 'defer', reason: 'window-pending', notBefore: expect.any(Number), extra: {} });
      clock.set(d.notBefore);
      looks.push(d.notBefore - T0);
    }
    expect(looks).toEqual([250, 500, 1000, 2000, 4000, 8000, 12_000, 15_000]);
    // The update arrives while it waits: it goes.
    const late = request({ source });
    clock.set(T0 + 2000);
    expect(await admission.admit({ request: late }, row(late), ctx({ ...closed, windowOpenUntil: T0 + 86_400_000 }))).toMatchObject({ kind: 'admit', businessInitiated: false });
  });

  it('does not wait for a window when the grace is 0', async () => {
    const { admission } = setup({ options: { windowGraceMs: 0 } });
    const text = request();
    expect(await admission.admit({ request: text }, row(text), ctx(closed))).toMatchObject({ kind: 'reject', code: 'outside-window' });
  });

  it('skips duplicates: a second idempotency key, a settled row, a stale retry copy, a held row redelivered', async () => {
    const { admission } = setup();
    const req = request();
    expect(await admission.admit({ request: req }, undefined, ctx(open))).toBeNull();
    expect(await admission.admit({ request: req }, row(req, { status: 'sent' }), ctx(open))).toBeNull();
    expect(await admission.admit({ request: req, retry: retryOf(req, { version: 1 }) }, row(req, { status: 'scheduled', version: 3 }), ctx(open))).toBeNull();
    expect(await admission.admit({ request: req }, row(req, { status: 'paused' }), ctx(open))).toBeNull();
  });

  it('holds a message of a paused number instead of rejecting it', async () => {
    const { admission } = setup();
    const req = request();
    expect(await admission.admit({ request: req }, row(req), ctx(open, number({ status: 'paused', pausedReason: 'token expired' }))))
      .toEqual({ kind: 'hold', reason: 'token expired' });
  });

  it('waits for an unknown number\'s config for the grace, then rejects', async () => {
    const { admission, clock } = setup();
    const req = request();
    const none: NumberContext = { number: undefined, contacts: new Map(), marketingHolds: new Map() };
    expect(await admission.admit({ request: req }, row(req), none)).toEqual({ kind: 'defer', reason: 'unknown-number', notBefore: T0 + 1000, extra: {} });
    clock.advance(30_000);
    expect(await admission.admit({ request: req }, row(req), none)).toMatchObject({ kind: 'reject', code: 'unknown-number' });
  });

  it('reconciles a row left attempting: waits for the timeout, then for the status backlog, then resends', async () => {
    const req = request();
    const attempting = row(req, { status: 'attempting', version: 2, attempts: 1, attempted_at: new Date(T0) });
    const copy = { request: req, retry: retryOf(req, { version: 1, reason: 'reconcile' }) }; // the copy that made the claim
    const early = setup();
    expect(await early.admission.admit(copy, attempting, ctx(open))).toEqual({ kind: 'defer', reason: 'reconcile', notBefore: T0 + 120_000, extra: {} });

    const behind = setup({ applied: false });
    behind.clock.advance(120_000);
    expect(await behind.admission.admit(copy, attempting, ctx(open))).toEqual({ kind: 'defer', reason: 'reconcile', notBefore: T0 + 122_000, extra: { hop: true } });

    const caughtUp = setup({ applied: true });
    caughtUp.clock.advance(120_000);
    expect(await caughtUp.admission.admit(copy, attempting, ctx(open))).toMatchObject({ kind: 'admit', reconciledResend: true });
  });

  it('sends a copy back before its time to a tier again, keeping the slots it booked', async () => {
    const { admission } = setup();
    const req = request();
    const retry = retryOf(req, { version: 1, notBefore: new Date(T0 + 60_000).toISOString(), reason: 'rate-pair', numberSlot: true, pairSlot: true });
    expect(await admission.admit({ request: req, retry }, row(req, { status: 'scheduled', version: 1 }), ctx(open))).toEqual({
      kind: 'defer', reason: 'rate-pair', notBefore: T0 + 60_000, extra: { numberSlot: true, pairSlot: true, backoffStep: undefined, lastError: undefined, hop: true },
    });
  });

  it('fails a MARKETING template to a user Meta limited (131049) without a Graph call; a UTILITY one goes', async () => {
    const { admission, holdQueries } = setup({ heldUntil: T0 + 3600_000, category: 'MARKETING' });
    const marketing = template();
    const utility = template({ templateCategory: 'UTILITY', to: '4915100000009' });
    const group = [{ request: marketing }, { request: utility }, { request: template() }];
    // The group's holds are read once, for the recipients of templates that may be marketing only.
    const context = await admission.numberContext(marketing.phoneNumberId, group);
    expect(holdQueries).toEqual([['4915100000001']]);
    expect(await admission.admit({ request: marketing }, row(marketing), context)).toMatchObject({
      kind: 'fail', error: { class: 'quality', code: 131049, message: expect.stringContaining('held until 2026-12-06T13:00:00.000Z') },
    });
    expect(await admission.admit({ request: utility }, row(utility), context)).toMatchObject({ kind: 'admit' });
  });

  it('maps a reply to our id to its wamid, and waits while that message is not sent yet', async () => {
    const sentId = ourId();
    const pendingId = ourId();
    const { admission } = setup({ wamids: new Map([[sentId, { wamid: 'wamid.A', status: 'sent' }], [pendingId, { wamid: null, status: 'scheduled' }]]) });
    const reply = request({ message: { text: { body: 'hi' }, context: { message_id: sentId } } });
    const admitted = await admission.admit({ request: reply }, row(reply), ctx(open));
    expect(admitted).toMatchObject({ kind: 'admit', item: { request: { message: { context: { message_id: 'wamid.A' } } } } });
    const early = request({ message: { text: { body: 'hi' }, context: { message_id: pendingId } } });
    expect(await admission.admit({ request: early }, row(early), ctx(open))).toMatchObject({ kind: 'defer', reason: 'transient', notBefore: T0 + 2000, extra: { hop: true } });
  });

  it('defers a sendAt beyond the inline horizon to its time', async () => {
    const { admission } = setup();
    const later = request({ sendAt: new Date(T0 + 3600_000).toISOString() });
    expect(await admission.admit({ request: later }, row(later), ctx(open))).toEqual({ kind: 'defer', reason: 'send-at', notBefore: T0 + 3600_000, extra: {} });
    const soon = request({ sendAt: new Date(T0 + 1500).toISOString() });
    expect(await admission.admit({ request: soon }, row(soon), ctx(open))).toMatchObject({ kind: 'admit', sendAt: T0 + 1500 });
  });
});
