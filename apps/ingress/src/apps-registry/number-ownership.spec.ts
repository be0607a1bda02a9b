import { NumberOwnership } from './number-ownership';

describe('NumberOwnership', () => {
  const ownership = (): NumberOwnership => {
    const o = new NumberOwnership();
    o.apply({ phoneNumberId: '111', appId: 'app-a', wabaId: 'waba-a' });
    o.apply({ phoneNumberId: '222', appId: 'app-b', wabaId: 'waba-b' });
    return o;
  };

  it("binds a change to the app that owns the number and its WABA", () => {
    expect(ownership().check('app-a', { phoneNumberId: '111', wabaId: 'waba-a' })).toEqual({ verdict: 'bound' });
  });

  it("calls another app's number or WABA foreign", () => {
    const o = ownership();
    expect(o.check('app-b', { phoneNumberId: '111', wabaId: 'waba-b' })).toEqual({ verdict: 'foreign', owners: ['app-a'], by: 'phone-number' });
    expect(o.check('app-b', { wabaId: 'waba-a' })).toEqual({ verdict: 'foreign', owners: ['app-a'], by: 'waba' });
    // own number id inside another app's WABA entry
    expect(o.check('app-b', { phoneNumberId: '222', wabaId: 'waba-a' })).toMatchObject({ verdict: 'foreign', by: 'waba' });
  });

  it('leaves numbers and WABAs nobody registered unknown', () => {
    expect(ownership().check('app-b', { phoneNumberId: '999', wabaId: 'waba-z' })).toEqual({ verdict: 'unknown' });
  });

  it('follows a number moved to another app and forgets a deleted one', () => {
    const o = ownership();
    o.apply({ phoneNumberId: '111', appId: 'app-b', wabaId: 'waba-b' });
    expect(o.check('app-b', { phoneNumberId: '111', wabaId: 'waba-b' })).toEqual({ verdict: 'bound' });
    expect(o.check('app-a', { wabaId: 'waba-a' })).toEqual({ verdict: 'unknown' });
    o.apply({ phoneNumberId: '111', appId: 'app-b', wabaId: 'waba-b', deleted: true });
    expect(o.check('app-a', { phoneNumberId: '111' })).toEqual({ verdict: 'unknown' });
    expect(o.size).toBe(1);
  });

  it('knows the tenant of a registered number, follows a move and forgets a deleted one', () => {
    const o = new NumberOwnership();
    o.apply({ phoneNumberId: '111', appId: 'app-a', wabaId: 'waba-a', tenantId: 't-a' });
    expect(o.tenantOf('111')).toBe('t-a');
    expect(o.tenantOf('999')).toBeUndefined();
    o.apply({ phoneNumberId: '111', appId: 'app-a', wabaId: 'waba-a', tenantId: 't-b' });
    expect(o.tenantOf('111')).toBe('t-b');
    o.apply({ phoneNumberId: '111', appId: 'app-a', wabaId: 'waba-a', tenantId: 't-b', deleted: true });
    expect(o.tenantOf('111')).toBeUndefined();
  });
});
