import { checkCompliance, ComplianceInput, NumberState, tierLimit } from './compliance';

const now = 1_700_000_000_000;
const number: NumberState = {
  phoneNumberId: '100', tenantId: 't1', wabaId: 'w', businessId: 'b', status: 'active', mps: 80, tier: '250',
  graphBaseUrl: 'http://x', graphApiVersion: 'v23.0', revision: 1,
};
const base: ComplianceInput = { tenantId: 't1', type: 'text', number, contact: { optedOut: false, reachable: true, windowOpenUntil: now + 1000 }, templateStatus: undefined, now };

describe('checkCompliance', () => {
  it('allows a text inside the 24 h window, not business-initiated', () => {
    expect(checkCompliance(base)).toEqual({ ok: true, businessInitiated: false });
  });

  it('rejects a text outside the window', () => {
    const r = checkCompliance({ ...base, contact: { optedOut: false, reachable: true, windowOpenUntil: now - 1 } });
    expect(r).toMatchObject({ ok: false, hold: false, code: 'outside-window' });
  });

  it('rejects a text to a contact that never wrote', () => {
    expect(checkCompliance({ ...base, contact: undefined })).toMatchObject({ ok: false, code: 'outside-window' });
  });

  it('lets a template through outside the window and counts it as business-initiated', () => {
    expect(checkCompliance({ ...base, type: 'template', contact: undefined })).toEqual({ ok: true, businessInitiated: true });
  });

  it('rejects a template whose known status is not APPROVED, allows unknown ones', () => {
    expect(checkCompliance({ ...base, type: 'template', templateStatus: 'PAUSED' })).toMatchObject({ ok: false, code: 'template-not-approved' });
    expect(checkCompliance({ ...base, type: 'template', templateStatus: 'APPROVED' })).toMatchObject({ ok: true });
  });

  it('rejects anything to an opted-out contact, even a template', () => {
    const contact = { optedOut: true, reachable: true, windowOpenUntil: now + 1000 };
    expect(checkCompliance({ ...base, contact, type: 'template' })).toMatchObject({ ok: false, code: 'opted-out' });
  });

  it('holds (does not reject) when the number is paused', () => {
    expect(checkCompliance({ ...base, number: { ...number, status: 'paused' } })).toMatchObject({ ok: false, hold: true });
  });

  it('rejects a number of another tenant', () => {
    expect(checkCompliance({ ...base, tenantId: 't2' })).toMatchObject({ ok: false, code: 'number-not-owned' });
  });
});

describe('tierLimit', () => {
  it('maps Meta tiers to user counts', () => {
    expect(tierLimit('250')).toBe(250);
    expect(tierLimit('100000')).toBe(100000);
    expect(tierLimit('unlimited')).toBe(Infinity);
  });
});
