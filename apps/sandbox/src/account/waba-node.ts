import { Injectable } from '@nestjs/common';
import { GraphError } from '../common/graph-error';
import { bearerToken, checkVersion, invalidToken } from '../common/graph-errors';
import { NumberRegistry } from '../numbers/number-registry';
import { AccountStateStore } from './account-state.store';

const DEFAULT_FIELDS = ['id', 'name'];

/**
 * `GET /{version}/{waba-id}?fields=…`: the WhatsApp Business Account node — its review and
 * business verification status from the account state the controls set. Any of the WABA's
 * numbers' tokens may read it.
 */
@Injectable()
export class WabaNode {
  constructor(private readonly numbers: NumberRegistry, private readonly state: AccountStateStore) {}

  has(id: string): boolean {
    return this.numbers.inWaba(id).length > 0;
  }

  read(version: string, wabaId: string, authorization: string | undefined, fields: string | undefined): Record<string, unknown> {
    checkVersion(version);
    if (!this.numbers.wabaTokenValid(wabaId, bearerToken(authorization) ?? '')) throw invalidToken();
    const s = this.state.waba(wabaId);
    const all: Record<string, unknown> = {
      id: wabaId, name: `Sandbox WABA ${wabaId}`, account_review_status: s.reviewStatus,
      business_verification_status: s.businessVerificationStatus, country: 'US', currency: 'USD', ownership_type: 'CLIENT_OWNED',
    };
    const wanted = fields === undefined || fields.trim() === '' ? DEFAULT_FIELDS : fields.split(',').map((f) => f.trim()).filter((f) => f !== '');
    const out: Record<string, unknown> = {};
    for (const f of wanted.slice(0, 50)) {
      if (!(f in all)) throw new GraphError(100, { message: `(#100) Tried accessing nonexisting field (${f.slice(0, 60)}) on node type (WhatsAppBusinessAccount)` });
      out[f] = all[f];
    }
    out.id = wabaId;
    return out;
  }
}
