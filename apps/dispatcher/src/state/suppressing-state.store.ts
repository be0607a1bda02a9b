import { ContactChangedV1 } from '@wabridge/contracts';
import { ContactState } from '../compliance/compliance';
import { ErasureRepository } from './erasure.repository';
import { StateStore } from './state.store';

/**
 * The state store plus the suppressions of erased contacts (ADR 0075): a suppressed recipient
 * reads as opted out, whatever (or whether) contact state exists for it, until an explicit
 * opt-in newer than the erasure lifts it.
 */
export class SuppressingStateStore extends StateStore {
  constructor(
    private readonly erasure: ErasureRepository,
    ...args: ConstructorParameters<typeof StateStore>
  ) {
    super(...args);
  }

  override async contacts(tenantId: string, phoneNumberId: string, recipients: string[]): Promise<Map<string, ContactState>> {
    const [out, suppressed] = await Promise.all([
      super.contacts(tenantId, phoneNumberId, recipients),
      this.erasure.suppressed(tenantId, phoneNumberId, recipients),
    ]);
    for (const r of suppressed) out.set(r, { ...(out.get(r) ?? { reachable: true }), optedOut: true });
    return out;
  }

  override async applyContact(ev: ContactChangedV1): Promise<void> {
    await super.applyContact(ev);
    const recipient = ev.waId ?? ev.userId;
    if (!recipient) return;
    const at = new Date(ev.updatedAt);
    // The forget record of an erased, opted-out contact: suppressed even before wa.contact.erased.v1 arrives.
    if (ev.erased && ev.optedOut) await this.erasure.suppress(ev.tenantId, ev.phoneNumberId, recipient, at);
    else if (!ev.erased && ev.optInState === 'opted_in') await this.erasure.lift(ev.tenantId, ev.phoneNumberId, recipient, at);
  }
}
