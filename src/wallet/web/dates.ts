/**
 * Dates as the ID shows them: its own dates (birth, issue, validity) as DD.MM.RRRR in Poland's
 * time (a credential valid to 30.06.2031 ends that day in Warsaw, whatever the phone's zone),
 * the presentation's date and time as DD-MM-RRRR and HH:MM:SS on the phone's clock.
 */

const POLAND = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Warsaw', day: '2-digit', month: '2-digit', year: 'numeric' });

/** Seconds since the epoch → DD.MM.RRRR in Poland. */
export function polishDate(seconds: number): string {
  const parts = Object.fromEntries(POLAND.formatToParts(new Date(seconds * 1000)).map((p) => [p.type, p.value]));
  return `${parts.day}.${parts.month}.${parts.year}`;
}

/** YYYY-MM-DD (a birthdate: a calendar day, no zone) → DD.MM.RRRR. */
export function calendarDate(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m === null ? text : `${m[3]}.${m[2]}.${m[1]}`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** The presentation's date and time on the phone's clock. */
export function clockFace(now: Date): { date: string; time: string; iso: string } {
  return {
    date: `${two(now.getDate())}-${two(now.getMonth() + 1)}-${now.getFullYear()}`,
    time: `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`,
    iso: now.toISOString(),
  };
}

/** A short local time of day, with the date when it is not today ("14:02", "03.12 14:02"). */
export function whenSeen(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const time = `${two(d.getHours())}:${two(d.getMinutes())}`;
  return new Date(now).toDateString() === d.toDateString() ? time : `${two(d.getDate())}.${two(d.getMonth() + 1)}.${d.getFullYear()} ${time}`;
}
