import { buildAdminRequest, UsageError } from './admin-commands';

describe('admin CLI', () => {
  it('maps commands to the admin API of DESIGN §12', () => {
    expect(buildAdminRequest(['create-tenant', 'Acme'])).toEqual({ method: 'POST', path: '/admin/v1/tenants', body: { name: 'Acme' } });
    expect(buildAdminRequest(['create-key', 'T1', '--scopes', 'messages:send, messages:read'])).toEqual({
      method: 'POST', path: '/admin/v1/tenants/T1/api-keys', body: { scopes: ['messages:send', 'messages:read'] },
    });
    expect(buildAdminRequest(['revoke-key', 'K1'])).toEqual({ method: 'DELETE', path: '/admin/v1/api-keys/K1' });
    expect(buildAdminRequest(['add-app', 'local', '--secret', 's', '--verify-token', 'v']).body).toEqual({ appId: 'local', appSecret: 's', verifyToken: 'v' });
    expect(buildAdminRequest(['add-number', 'T1', '--phone-number-id', '1', '--display', '+1', '--waba', '2', '--app', 'local', '--token', 't', '--mps', '20'])).toEqual({
      method: 'POST', path: '/admin/v1/tenants/T1/phone-numbers',
      body: { phoneNumberId: '1', displayPhoneNumber: '+1', wabaId: '2', appId: 'local', accessToken: 't', mps: 20 },
    });
    expect(buildAdminRequest(['update-number', 'T1', '1', '--status', 'active'])).toEqual({ method: 'PATCH', path: '/admin/v1/tenants/T1/phone-numbers/1', body: { status: 'active' } });
  });

  it('refuses unknown commands and missing arguments', () => {
    expect(() => buildAdminRequest(['frobnicate'])).toThrow(UsageError);
    expect(() => buildAdminRequest(['add-app', 'x'])).toThrow(/--secret/);
    expect(() => buildAdminRequest(['create-tenant', 'x', '--bogus'])).toThrow();
  });
});
