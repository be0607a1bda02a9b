import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const k1 = SecretBox.generateKeySpec('k1');
  const k2 = SecretBox.generateKeySpec('k2');

  it('round-trips and never stores plaintext', () => {
    const box = new SecretBox(k1);
    const sealed = box.seal('EAAG-secret-token', 'number:123');
    expect(JSON.stringify(sealed)).not.toContain('EAAG');
    expect(box.open(sealed, 'number:123')).toBe('EAAG-secret-token');
  });

  it('refuses a ciphertext moved to another record (aad) or tampered with', () => {
    const box = new SecretBox(k1);
    const sealed = box.seal('x', 'number:1');
    expect(() => box.open(sealed, 'number:2')).toThrow();
    expect(() => box.open({ ...sealed, data: Buffer.from('y').toString('base64') }, 'number:1')).toThrow();
  });

  it('decrypts with an older key after rotation and encrypts with the newest', () => {
    const old = new SecretBox(k1).seal('t');
    const rotated = new SecretBox(`${k2},${k1}`);
    expect(rotated.open(old)).toBe('t');
    expect(rotated.seal('t').keyId).toBe('k2');
  });

  it('rejects malformed key specs with a clear message', () => {
    expect(() => new SecretBox('k1:short')).toThrow(/32 bytes/);
  });
});
