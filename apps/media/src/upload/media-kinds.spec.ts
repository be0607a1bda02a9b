import { sniff, UnsupportedTypeError } from './media-kinds';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(64)]);
const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(200)]);

describe('sniff', () => {
  it('reads the type from the bytes, whatever is declared', async () => {
    await expect(sniff(png, 'image/jpeg')).resolves.toEqual({ mimeType: 'image/png', kind: 'image', maxBytes: 5 * 1024 * 1024 });
    await expect(sniff(jpeg)).resolves.toMatchObject({ mimeType: 'image/jpeg', kind: 'image' });
    await expect(sniff(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n', 'latin1'))).resolves.toMatchObject({ mimeType: 'application/pdf', kind: 'document', maxBytes: 100 * 1024 * 1024 });
  });

  it('refuses an executable declared as an image, naming what it is', async () => {
    const err = await sniff(exe, 'image/jpeg').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedTypeError);
    expect((err as Error).message).toMatch(/application\/x-msdownload.*declared image\/jpeg/);
  });

  it('accepts plain UTF-8 text as a document, refuses binary noise', async () => {
    await expect(sniff(Buffer.from('hello, wörld\n'), 'text/plain')).resolves.toMatchObject({ mimeType: 'text/plain', kind: 'document' });
    await expect(sniff(Buffer.from([1, 0, 2, 0, 3, 255]))).rejects.toBeInstanceOf(UnsupportedTypeError);
  });

  it('gives animated webp stickers 500 KB, static ones 100 KB', async () => {
    const webp = (flags: number): Buffer => {
      const b = Buffer.alloc(40);
      b.write('RIFF', 0, 'latin1'); b.writeUInt32LE(32, 4); b.write('WEBPVP8X', 8, 'latin1'); b.writeUInt32LE(10, 16); b[20] = flags;
      return b;
    };
    await expect(sniff(webp(0x02))).resolves.toMatchObject({ mimeType: 'image/webp', kind: 'sticker', maxBytes: 500 * 1024 });
    await expect(sniff(webp(0))).resolves.toMatchObject({ maxBytes: 100 * 1024 });
  });
});
