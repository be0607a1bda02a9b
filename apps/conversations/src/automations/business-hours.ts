import { OpeningHours, Weekday, WEEKDAYS } from './automation-rule';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, f);
  }
  return f;
}

/** Whether `timezone` is an IANA zone this runtime knows (`Europe/Berlin`, `UTC`). */
export function isKnownTimezone(timezone: string): boolean {
  try {
    formatterOf(timezone);
    return true;
  } catch {
    return false;
  }
}

/** `HH:MM` (00:00-24:00) → minutes of the day. */
export function minutesOf(hhmm: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(hhmm);
  if (!m || (m[1] === '24' && m[2] !== '00')) throw new Error(`not a time of day: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The local weekday and minute of the day of an instant in a timezone (DST handled by Intl). */
export function localTime(epochMs: number, timezone: string): { day: Weekday; minute: number } {
  const parts = formatterOf(timezone).formatToParts(new Date(epochMs));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/**
 * Whether the business is open at `epochMs` under a weekly schedule in `timezone`. A window
 * `from`-`to` on a day covers [from, to); one with `to` before `from` runs over midnight into the
 * next day (`fri 22:00-02:00` is open Saturday at 01:00); `00:00-24:00` is the whole day. An
 * empty schedule is never open.
 */
export function isOpen(epochMs: number, timezone: string, schedule: OpeningHours[]): boolean {
  const { day, minute } = localTime(epochMs, timezone);
  const today = WEEKDAYS.indexOf(day);
  const yesterday = WEEKDAYS[(today + 6) % 7]!;
  for (const w of schedule) {
    const from = minutesOf(w.from);
    const to = minutesOf(w.to);
    if (from < to) {
      if (w.days.includes(day) && minute >= from && minute < to) return true;
    } else if (from > to) {
      if (w.days.includes(day) && minute >= from) return true;
      if (w.days.includes(yesterday) && minute < to) return true;
    }
  }
  return false;
}
