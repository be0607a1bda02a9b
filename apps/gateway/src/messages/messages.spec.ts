import { applyLifecycleEvent, LifecycleState } from './message-lifecycle';
import { normalizeTo } from './message-rules';
import { parseCloudSend, parseNativeSend, SendValidationError } from './send-request';
import { canonicalJson, requestHash } from './send.service';

const start: LifecycleState = { status: 'accepted', history: [{ status: 'accepted', at: '2026-01-01T00:00:00.000Z' }], error: null };
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe('message lifecycle', () => {
  it("keeps one accepted step: the dispatcher's accepted (its own time) repeats the gateway's", () => {
    expect(applyLifecycleEvent(start, { status: 'accepted', at: at(1) })).toBeNull();
    const scheduled: LifecycleState = { status: 'scheduled', history: [{ status: 'scheduled', at: at(0) }], error: null };
    const released = applyLifecycleEvent(scheduled, { status: 'accepted', at: at(5) })!;
    expect(released.history.map((h) => h.status)).toEqual(['scheduled', 'accepted']);
  });

  it('moves forward through sent, delivered and read', () => {
    let s = applyLifecycleEvent(start, { status: 'sent', at: at(1) })!;
    s = applyLifecycleEvent(s, { status: 'delivered', at: at(2) })!;
    s = applyLifecycleEvent(s, { status: 'read', at: at(3) })!;
    expect(s.status).toBe('read');
    expect(s.history.map((h) => h.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
  });

  it('never moves backwards when events arrive out of order, but keeps them in the history', () => {
    const read = applyLifecycleEvent(start, { status: 'read', at: at(3) })!;
    const late = applyLifecycleEvent(read, { status: 'delivered', at: at(2) })!;
    expect(late.status).toBe('read');
    expect(late.history.map((h) => h.status)).toEqual(['accepted', 'delivered', 'read']);
  });

  it('lists the history in lifecycle order even when Meta\'s second-resolution time is earlier than ours', () => {
    const acceptedAt = '2026-01-01T00:00:26.471Z';
    let s = applyLifecycleEvent({ status: 'accepted', history: [{ status: 'accepted', at: acceptedAt }], error: null }, { status: 'sent', at: '2026-01-01T00:00:26.644Z' })!;
    s = applyLifecycleEvent(s, { status: 'delivered', at: '2026-01-01T00:00:26.000Z' })!;
    expect(s.history.map((h) => h.status)).toEqual(['accepted', 'sent', 'delivered']);
  });

  it('ignores redeliveries', () => {
    const s = applyLifecycleEvent(start, { status: 'sent', at: at(1) })!;
    expect(applyLifecycleEvent(s, { status: 'sent', at: at(1) })).toBeNull();
  });

  it('follows the dispatcher: a failure ends the message, and a later delivery report only adds to the history', () => {
    const sent = applyLifecycleEvent(start, { status: 'sent', at: at(1) })!;
    const failed = applyLifecycleEvent(sent, { status: 'failed', at: at(2), error: { class: 'permanent', code: 131026, message: 'undeliverable' } })!;
    expect(failed).toMatchObject({ status: 'failed', error: { code: 131026 } });
    const late = applyLifecycleEvent(failed, { status: 'delivered', at: at(3) })!;
    expect(late).toMatchObject({ status: 'failed', error: { code: 131026 } });
    expect(late.history.map((h) => h.status)).toEqual(['accepted', 'sent', 'delivered', 'failed']);
  });

  it('shows a retry and then the re-send, with both attempts in the history', () => {
    let s = applyLifecycleEvent(start, { status: 'retry-scheduled', at: at(1) })!;
    expect(s.status).toBe('retry-scheduled');
    s = applyLifecycleEvent(s, { status: 'retry-scheduled', at: at(2) })!;
    s = applyLifecycleEvent(s, { status: 'sent', at: at(3) })!;
    expect(s.status).toBe('sent');
    expect(s.history.map((h) => h.status)).toEqual(['accepted', 'retry-scheduled', 'retry-scheduled', 'sent']);
  });
});

describe('message rules', () => {
  it('normalizes phone numbers to Meta digits and rejects impossible ones', () => {
    expect(normalizeTo('+1 (415) 555-0123').to).toBe('14155550123');
    expect(normalizeTo('4915112345678').to).toBe('4915112345678');
    expect(normalizeTo('+1 000').problem?.field).toBe('to');
    expect(normalizeTo(42).problem?.field).toBe('to');
  });

  it('names the field of each problem of a native send, whichever rule found it', () => {
    const rows = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ id: `${p}${i}`, title: 't' }));
    try {
      parseNativeSend({
        phoneNumberId: '1', to: '+14155550123', type: 'interactive', messaging_product: 'whatsapp',
        interactive: { type: 'list', body: { text: 'b' }, action: { button: 'b', sections: [{ title: 'a', rows: rows(6, 'a') }, { title: 'b', rows: rows(5, 'b') }] } },
      });
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(SendValidationError);
      const problems = (e as SendValidationError).problems;
      expect(problems.map((p) => p.field).sort()).toEqual(['interactive.action.sections', 'messaging_product']);
      expect(problems.find((p) => p.field === 'interactive.action.sections')!.problems[0]).toBe('interactive.action.sections may hold at most 10 rows in total (got 11)');
    }
  });
});

describe('send parsing', () => {
  it('reads a native send and a Cloud API send into the same command', () => {
    const native = parseNativeSend({ phoneNumberId: '123', to: '+14155550123', type: 'text', text: { body: 'x' } });
    const cloud = parseCloudSend('123', { messaging_product: 'whatsapp', to: '14155550123', text: { body: 'x' } });
    expect(native).toMatchObject({ phoneNumberId: '123', to: '14155550123', type: 'text', message: { type: 'text', text: { body: 'x' } } });
    expect(requestHash(native)).toBe(requestHash(cloud));
  });

  it('requires messaging_product on the Cloud API route', () => {
    expect(() => parseCloudSend('1', { to: '14155550123', text: { body: 'x' } })).toThrow(SendValidationError);
  });

  it('hashes bodies independently of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });
});
