import { ManualClock } from '@wabridge/time';
import { isKnownTimezone, isOpen, localTime } from './business-hours';
import type { OpeningHours } from './automation-rule';

const WEEKDAYS_9_TO_17: OpeningHours[] = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }];

describe('business hours', () => {
  it('reads the local weekday and time of an instant, summer time included', () => {
    // Monday 2026-03-30 07:30 UTC = 09:30 in Berlin (CEST, UTC+2)
    expect(localTime(Date.UTC(2026, 2, 30, 7, 30), 'Europe/Berlin')).toEqual({ day: 'mon', minute: 9 * 60 + 30 });
    // Monday 2026-01-05 07:30 UTC = 08:30 in Berlin (CET, UTC+1)
    expect(localTime(Date.UTC(2026, 0, 5, 7, 30), 'Europe/Berlin')).toEqual({ day: 'mon', minute: 8 * 60 + 30 });
  });

  it('is open inside the window and closed outside it, at the edges [from, to)', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 8, 59)); // Monday 09:59 in Berlin
    expect(isOpen(clock.now(), 'Europe/Berlin', WEEKDAYS_9_TO_17)).toBe(true);
    clock.set(Date.UTC(2026, 0, 5, 7, 59)); // 08:59
    expect(isOpen(clock.now(), 'Europe/Berlin', WEEKDAYS_9_TO_17)).toBe(false);
    clock.set(Date.UTC(2026, 0, 5, 8, 0)); // 09:00
    expect(isOpen(clock.now(), 'Europe/Berlin', WEEKDAYS_9_TO_17)).toBe(true);
    clock.set(Date.UTC(2026, 0, 5, 16, 0)); // 17:00
    expect(isOpen(clock.now(), 'Europe/Berlin', WEEKDAYS_9_TO_17)).toBe(false);
    clock.set(Date.UTC(2026, 0, 10, 10, 0)); // Saturday 11:00
    expect(isOpen(clock.now(), 'Europe/Berlin', WEEKDAYS_9_TO_17)).toBe(false);
  });

  it('judges the same instant by the rule\'s timezone', () => {
    const at = Date.UTC(2026, 0, 5, 15, 30); // Monday 16:30 in Berlin, 10:30 in New York, 00:30 Tuesday in Tokyo
    expect(isOpen(at, 'Europe/Berlin', WEEKDAYS_9_TO_17)).toBe(true);
    expect(isOpen(at, 'America/New_York', WEEKDAYS_9_TO_17)).toBe(true);
    expect(isOpen(at, 'Asia/Tokyo', WEEKDAYS_9_TO_17)).toBe(false);
  });

  it('runs a window over midnight into the next day, and 24:00 closes the day', () => {
    const night: OpeningHours[] = [{ days: ['fri'], from: '22:00', to: '02:00' }];
    expect(isOpen(Date.UTC(2026, 0, 9, 23, 0), 'UTC', night)).toBe(true); // Friday 23:00
    expect(isOpen(Date.UTC(2026, 0, 10, 1, 59), 'UTC', night)).toBe(true); // Saturday 01:59
    expect(isOpen(Date.UTC(2026, 0, 10, 2, 0), 'UTC', night)).toBe(false);
    expect(isOpen(Date.UTC(2026, 0, 8, 23, 0), 'UTC', night)).toBe(false); // Thursday 23:00
    const allDay: OpeningHours[] = [{ days: ['sun'], from: '00:00', to: '24:00' }];
    expect(isOpen(Date.UTC(2026, 0, 11, 23, 59), 'UTC', allDay)).toBe(true);
    expect(isOpen(Date.UTC(2026, 0, 12, 0, 0), 'UTC', allDay)).toBe(false);
  });

  it('is never open with an empty schedule, and knows IANA zones only', () => {
    expect(isOpen(Date.UTC(2026, 0, 5, 12, 0), 'UTC', [])).toBe(false);
    expect(isKnownTimezone('Europe/Berlin')).toBe(true);
    expect(isKnownTimezone('Mars/Olympus')).toBe(false);
  });
});
