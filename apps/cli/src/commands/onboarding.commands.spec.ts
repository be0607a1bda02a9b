import { parseInvocation, UsageError } from '../args';
import { buildRegistrationRequest } from './onboarding.commands';

describe('wabridge numbers signup / request-code / verify-code / register / two-step', () => {
  const req = (argv: string[]) => {
    const inv = parseInvocation(argv);
    return buildRegistrationRequest(inv.action!, inv.args, inv.options);
  };

  it('builds each route and body from the command line', () => {
    expect(req(['numbers', 'signup', '--code', 'AQabc', '--app', 'local'])).toEqual({ path: '/v1/onboarding/embedded-signup', body: { code: 'AQabc', appId: 'local' } });
    expect(req(['numbers', 'request-code', '106540352242922', '--method', 'voice'])).toEqual({
      path: '/v1/phone-numbers/{phoneNumberId}/request-code', phoneNumberId: '106540352242922', body: { codeMethod: 'VOICE', language: 'en_US' },
    });
    expect(req(['numbers', 'verify-code', '106540352242922', '--code', '123456']).body).toEqual({ code: '123456' });
    expect(req(['numbers', 'register', '106540352242922', '--pin', '482913'])).toMatchObject({ path: '/v1/phone-numbers/{phoneNumberId}/register', body: { pin: '482913' } });
    expect(req(['numbers', 'two-step', '106540352242922', '--pin', '482913']).path).toBe('/v1/phone-numbers/{phoneNumberId}/two-step-verification');
  });

  it('refuses what the gateway would refuse, before any call', () => {
    expect(() => req(['numbers', 'signup'])).toThrow(UsageError);
    expect(() => req(['numbers', 'register', '106540352242922', '--pin', '12345'])).toThrow('--pin is 6 digits');
    expect(() => req(['numbers', 'request-code', '106540352242922', '--method', 'fax'])).toThrow('--method is SMS or VOICE');
    expect(() => req(['numbers', 'verify-code', 'abc', '--code', '1'])).toThrow('numeric id');
  });
});
