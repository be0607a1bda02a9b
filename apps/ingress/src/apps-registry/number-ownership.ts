import { NumberChangedV1 } from '@wabridge/contracts';

export const NUMBER_OWNERSHIP = Symbol('NUMBER_OWNERSHIP');

/** What ingress knows about the app a change names (ADR 0071). */
export type Binding =
  | { verdict: 'bound' }
  | { verdict: 'unknown' }
  | { verdict: 'foreign'; owners: string[]; by: 'phone-number' | 'waba' };

/**
 * Which Meta app and which tenant each phone number (and so each WABA) belongs to, from the
 * gateway's compacted `wa.number.changed.v1`. A webhook is signed by one app; every change in
 * it must name that app's numbers/WABAs, or it is forged by another app that knows our number
 * ids. The tenant is stamped on the typed events so no consumer has to look it up (ADR 0090).
 */
export class NumberOwnership {
  private readonly numbers = new Map<string, { appId: string; wabaId: string; tenantId?: string }>();
  private readonly wabas = new Map<string, Map<string, string>>();

  apply(ev: Pick<NumberChangedV1, 'phoneNumberId' | 'appId' | 'wabaId' | 'deleted'> & Partial<Pick<NumberChangedV1, 'tenantId'>>): void {
    const previous = this.numbers.get(ev.phoneNumberId);
    if (previous) {
      const numbers = this.wabas.get(previous.wabaId);
      numbers?.delete(ev.phoneNumberId);
      if (numbers?.size === 0) this.wabas.delete(previous.wabaId);
      this.numbers.delete(ev.phoneNumberId);
    }
    if (ev.deleted) return;
    this.numbers.set(ev.phoneNumberId, { appId: ev.appId, wabaId: ev.wabaId, tenantId: ev.tenantId });
    const numbers = this.wabas.get(ev.wabaId) ?? new Map<string, string>();
    numbers.set(ev.phoneNumberId, ev.appId);
    this.wabas.set(ev.wabaId, numbers);
  }

  /** Whether a change that `appId` signed may name this number and WABA. */
  check(appId: string, change: { phoneNumberId?: string; wabaId?: string }): Binding {
    let known = false;
    if (change.phoneNumberId) {
      const owner = this.numbers.get(change.phoneNumberId);
      if (owner) {
        known = true;
        if (owner.appId !== appId) return { verdict: 'foreign', owners: [owner.appId], by: 'phone-number' };
      }
    }
    if (change.wabaId) {
      const owners = this.wabas.get(change.wabaId);
      if (owners && owners.size > 0) {
        known = true;
        const apps = [...new Set(owners.values())];
        if (!apps.includes(appId)) return { verdict: 'foreign', owners: apps, by: 'waba' };
      }
    }
    return known ? { verdict: 'bound' } : { verdict: 'unknown' };
  }

  /** The tenant that registered this number, or undefined when none has (or it was deleted). */
  tenantOf(phoneNumberId: string): string | undefined {
    return this.numbers.get(phoneNumberId)?.tenantId;
  }

  get size(): number {
    return this.numbers.size;
  }
}
