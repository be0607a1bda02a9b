import { ApiError } from '@wabridge/http';
import { decodeCursor, encodeCursor } from './cursor';

describe('conversation cursors', () => {
  it('hand back the position they were made from', () => {
    const at = new Date('2026-03-10T10:00:00.123Z');
    expect(decodeCursor(encodeCursor({ at, key: '42' }), /^\d+$/)).toEqual({ at, key: '42' });
  });

  it.each(['', 'not a cursor', Buffer.from('2026-03-10T10:00:00Z|abc').toString('base64url'), Buffer.from('yesterday|1').toString('base64url')])(
    'refuse %p with a 400 naming the cursor',
    (c) => {
      expect.assertions(2);
      try {
        decodeCursor(c, /^\d+$/);
      } catch (err) {
        expect((err as ApiError).status).toBe(400);
        expect((err as ApiError).message).toMatch(/cursor/);
      }
    },
  );
});
