import { isBlockedAddress, TargetGuard, TargetRefusedError, unmapIPv4 } from './target-guard';

const resolveTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('TargetGuard (SSRF)', () => {
  it.each([
    '127.0.0.1', '127.8.9.10', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '0:0:0:0:0:ffff:10.0.0.1', '64:ff9b::a00:1',
  ])('blocks %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('lets %s through', (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });

  it('reads mapped IPv6 forms as IPv4', () => {
    expect(unmapIPv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(unmapIPv4('::FFFF:169.254.169.254')).toBe('169.254.169.254');
    expect(unmapIPv4('2001:db8::1')).toBe('2001:db8::1');
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['http://10.0.0.1/hook', '10.0.0.1'],
    ['http://2130706433/', '127.0.0.1'], // decimal
    ['http://0x7f000001/', '127.0.0.1'], // hex
    ['http://0x7f.1/', '127.0.0.1'], // short hex form
    ['http://017700000001/', '127.0.0.1'], // octal
    ['http://[::ffff:127.0.0.1]/', '127.0.0.1'],
    ['http://[::1]:8080/', '::1'],
  ])('refuses %s (resolves to %s) without resolving a name', async (url, address) => {
    const guard = new TargetGuard({ resolve: () => Promise.reject(new Error('must not resolve')) });
    await expect(guard.check(url)).rejects.toThrow(new RegExp(address.replace(/[.:]/g, '\\$&')));
  });

  it('refuses a hostname when any of its addresses is internal', async () => {
    const guard = new TargetGuard({ resolve: resolveTo('93.184.215.14', '127.0.0.1') });
    await expect(guard.check('https://rebind.example/hook')).rejects.toBeInstanceOf(TargetRefusedError);
  });

  it('passes a public hostname and returns the address to connect to', async () => {
    const guard = new TargetGuard({ resolve: resolveTo('93.184.215.14') });
    await expect(guard.check('https://example.com/hook')).resolves.toMatchObject({ address: '93.184.215.14', family: 4 });
  });

  it('lets loopback through only when the operator allows it (CIDR or host)', async () => {
    await expect(new TargetGuard({ allow: '127.0.0.1/32' }).check('http://127.0.0.1:9999/')).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(new TargetGuard({ allow: '127.0.0.0/8' }).check('http://[::ffff:127.0.0.2]/')).resolves.toMatchObject({ address: '127.0.0.2' });
    await expect(new TargetGuard({ allow: '127.0.0.1/32' }).check('http://10.0.0.1/')).rejects.toThrow(/10\.0\.0\.1/);
    const byHost = new TargetGuard({ allow: 'receiver.internal', resolve: resolveTo('10.1.2.3') });
    await expect(byHost.check('http://receiver.internal/')).resolves.toMatchObject({ address: '10.1.2.3' });
  });

  it('refuses http when https is required, other schemes, and credentials in the URL', async () => {
    const guard = new TargetGuard({ requireHttps: true, resolve: resolveTo('93.184.215.14') });
    await expect(guard.check('http://example.com/')).rejects.toThrow('must use https');
    await expect(guard.check('ftp://example.com/')).rejects.toThrow('http(s)');
    await expect(guard.check('https://u:p@example.com/')).rejects.toThrow('credentials');
    await expect(guard.check('not a url')).rejects.toThrow('valid URL');
  });
});

describe('TargetGuard refusals name the kind of address', () => {
  it.each([
    ['http://127.0.0.1:8080/x.jpg', 'resolves to 127.0.0.1, a loopback address'],
    ['http://169.254.169.254/latest/meta-data', 'resolves to 169.254.169.254, a link-local (cloud metadata) address'],
    ['http://169.254.1.1/', 'a link-local address'],
    ['http://10.0.0.5/a.jpg', 'resolves to 10.0.0.5, a private (RFC 1918) address'],
    ['http://100.64.0.1/', 'a carrier-grade NAT (shared) address'],
    ['http://[::1]/', 'resolves to ::1, a loopback address'],
    ['http://[fd00::1]/', 'a unique-local (private) address'],
  ])('%s → "%s"', async (url, reason) => {
    await expect(new TargetGuard({ purpose: 'media links' }).check(url)).rejects.toThrow(`${reason} (not allowed for media links)`);
  });

  it('names a host that resolves to loopback by its address', async () => {
    const guard = new TargetGuard({ resolve: resolveTo('127.0.0.1') });
    await expect(guard.check('http://localhost/x.jpg')).rejects.toThrow('resolves to 127.0.0.1, a loopback address');
  });

  it('names the variable of a malformed allow-list entry', () => {
    expect(() => new TargetGuard({ allow: '10.0.0.0/99', allowSource: 'MEDIA_LINK_ALLOWED_TARGETS' })).toThrow('MEDIA_LINK_ALLOWED_TARGETS: bad prefix');
  });
});
