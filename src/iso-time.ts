/**
 * ISO 8601 times (toISOString's form) for results and log lines, made without a Date and
 * its formatting on every call: under load many share their millisecond, nearly all their
 * second, and toISOString was the costliest step of making a result and a visible part of
 * each request's log line (bench/results/findings.md, "ISO times").
 */

let lastSecond = Number.NaN;
/** toISOString of lastSecond, without its "000Z". */
let secondPrefix = '';
let lastMillis = Number.NaN;
let lastMillisIso = '';

/** `new Date(millis).toISOString()`, for milliseconds since the epoch. */
export function isoMillis(millis: number): string {
  if (millis === lastMillis) return lastMillisIso;
  const second = Math.floor(millis / 1000);
  const ms = millis - second * 1000;
  if (!Number.isInteger(ms)) return new Date(millis).toISOString();
  if (second !== lastSecond) {
    secondPrefix = new Date(second * 1000).toISOString().slice(0, -4);
    lastSecond = second;
  }
  lastMillisIso = `${secondPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
  lastMillis = millis;
  return lastMillisIso;
}

/**
 * A formatter of whole seconds since the epoch, `toISOString`'s text ("invalid date" for a
 * time no Date can hold), that remembers the last second it formatted: keep one per kind of
 * time (a presentation's second, a status list's `iat`), or each pushes the other out.
 */
export function secondsFormatter(): (seconds: number) => string {
  let last = Number.NaN;
  let lastIso = '';
  return (seconds) => {
    if (seconds !== last) {
      const date = new Date(seconds * 1000);
      lastIso = Number.isNaN(date.getTime()) ? 'invalid date' : date.toISOString();
      last = seconds;
    }
    return lastIso;
  };
}

/** Presentations' seconds. */
export const isoSeconds = secondsFormatter();
