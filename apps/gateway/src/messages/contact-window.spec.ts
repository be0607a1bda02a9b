import { windowProblem } from './contact-window';

describe('windowProblem (the window rule of a scheduled free-form send)', () => {
  const sendAt = '2026-03-01T12:00:00.000Z';
  it('allows a send while the window is open at sendAt', () => {
    expect(windowProblem(sendAt, '2026-03-01T12:00:00.001Z')).toBeNull();
  });
  it('refuses a send at or after the window closes, naming both times', () => {
    for (const until of ['2026-03-01T12:00:00.000Z', '2026-03-01T11:00:00.000Z']) {
      const e = windowProblem(sendAt, until)!;
      expect(e).toMatchObject({ status: 400, code: 'outside_window_at_send_time', details: { sendAt, windowOpenUntil: until } });
      expect(e.message).toContain(`closes at ${until}`);
    }
  });
  it('refuses a contact without a window', () => {
    expect(windowProblem(sendAt, null)).toMatchObject({ status: 400, code: 'outside_window_at_send_time', details: { windowOpenUntil: null } });
  });
});
