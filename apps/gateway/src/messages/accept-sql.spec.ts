import { beginAndInsertAcceptedSql, NewMessage, sqlLiteral } from './messages.repository';

describe('the accept statement as literals (ADR 0210)', () => {
  it('quotes a string as a Postgres literal: quotes doubled, backslashes as an escape string', () => {
    expect(sqlLiteral('plain')).toBe("'plain'");
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral('a\\b')).toBe("E'a\\\\b'");
    expect(sqlLiteral("x\\'; DROP TABLE messages; --")).toBe("E'x\\\\''; DROP TABLE messages; --'");
    expect(sqlLiteral('é ✓ 🙂')).toBe("'é ✓ 🙂'");
  });

  it('refuses a NUL, which would end the query string early', () => {
    expect(() => sqlLiteral('a\u0000b')).toThrow(/NUL/);
  });

  it('starts the transaction and inserts every row in the order given', () => {
    const row = (id: string, extra: Partial<NewMessage> = {}): NewMessage => ({
      id, tenantId: 't1', phoneNumberId: '123', to: '+14155550123', type: 'text', requestHash: 'h', source: 'api', createdAt: '2026-12-06T23:00:00.000Z', ...extra,
    });
    const sql = beginAndInsertAcceptedSql([row('m2', { idempotencyKey: "k'1", metadata: { a: 'b' } }), row('m1', { sendAt: '2026-12-07T00:00:00.000Z' })]);
    expect(sql.startsWith('BEGIN;\nINSERT INTO messages')).toBe(true);
    expect(sql.indexOf("'m2'")).toBeLessThan(sql.indexOf("'m1'"));
    expect(sql).toContain("'k''1'");
    expect(sql).toContain(`'{"a":"b"}'::jsonb`);
    expect(sql).toContain("'2026-12-07T00:00:00.000Z'::timestamptz)");
    expect(sql).toContain("'accepted', 0, ");
    expect(sql).toMatch(/ON CONFLICT \(tenant_id, idempotency_key\) WHERE idempotency_key IS NOT NULL DO NOTHING\nRETURNING id$/);
  });
});
