/**
 * "Valid until" as a school writes it (a calendar day) and as a credential carries it
 * (`exp`, seconds): the ID is valid to the end of that day where it was issued, in
 * Poland (Europe/Warsaw: CET, CEST in summer). The end of 30 September 2027 is
 * 2027-09-30T21:59:59Z, not 23:59:59Z, which a Warsaw screen would show as 1 October.
 */
import { isCalendarDate } from '../verify/claims.js';

export const ISSUING_TIME_ZONE = 'Europe/Warsaw';

const offsetFormat = new Intl.DateTimeFormat('en-GB', { timeZone: ISSUING_TIME_ZONE, timeZoneName: 'longOffset' });

/** The zone's offset from UTC at `millis`, in milliseconds ("GMT+02:00" → 7 200 000). */
function offsetAt(millis: number): number {
  const name = offsetFormat.formatToParts(millis).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (m === null) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** The last second (seconds since the epoch) of `day` (YYYY-MM-DD) in Europe/Warsaw. */
export function endOfDayInPoland(day: string): number {
  if (!isCalendarDate(day)) throw new RangeError(`${JSON.stringify(day)} is not a date YYYY-MM-DD`);
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  // Local midnight starting the next day; the offset there is the one in force at that instant
  // (Polish clocks change at 01:00 UTC, never at midnight, so midnight is never ambiguous).
  const nextUtcMidnight = Date.UTC(y, m - 1, d + 1);
  let midnight = nextUtcMidnight - offsetAt(nextUtcMidnight);
  midnight = nextUtcMidnight - offsetAt(midnight);
  return midnight / 1000 - 1;
}

/** The calendar day (YYYY-MM-DD) in Europe/Warsaw that `seconds` falls on. */
export function dayInPoland(seconds: number): string {
  const millis = seconds * 1000;
  return new Date(millis + offsetAt(millis)).toISOString().slice(0, 10);
}
