/** Dates and codes as the portal writes them: Polish dates (dd.mm.rrrr) and times in Poland, whatever the server's zone. */
import { ISSUING_TIME_ZONE } from '../../issuer/valid-until.js';
import type { Lang } from './texts.js';

const LOCALES: Record<Lang, string> = { pl: 'pl-PL', en: 'en-GB' };
const dateTime = Object.fromEntries(
  (['pl', 'en'] as const).map((l) => [l, new Intl.DateTimeFormat(LOCALES[l], { timeZone: ISSUING_TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })]),
) as Record<Lang, Intl.DateTimeFormat>;

/** A calendar day (YYYY-MM-DD) as the country writes it: 30.09.2027 (Polish), 30/09/2027 (English). */
export function formatDay(day: string, lang: Lang): string {
  const [y, m, d] = day.split('-');
  return lang === 'pl' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
}

/** An instant (ms since the epoch) as a date and time in Poland: 15.12.2026, 10:32. */
export function formatTime(ms: number, lang: Lang): string {
  return dateTime[lang].format(ms);
}

/** The activation code in two groups of four, easier to read and type: 1234 5678. */
export function groupedCode(code: string): string {
  return code.replace(/^(\d{4})(\d{4})$/, '$1 $2');
}

const numbers: Record<Lang, Intl.NumberFormat> = { pl: new Intl.NumberFormat('pl-PL'), en: new Intl.NumberFormat('en-GB') };

/** 100 000 (Polish), 100,000 (English). */
export function formatNumber(n: number, lang: Lang): string {
  return numbers[lang].format(n);
}
