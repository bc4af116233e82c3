import t from 'tap';
import { parseValidUntil } from '../../src/issuer/records.js';
import { dayInPoland, endOfDayInPoland } from '../../src/issuer/valid-until.js';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

t.test('valid until a day: to the end of that day in Poland, summer and winter time', async (t) => {
  t.equal(iso(endOfDayInPoland('2027-09-30')), '2027-09-30T21:59:59.000Z', 'CEST: UTC+2');
  t.equal(iso(endOfDayInPoland('2027-01-15')), '2027-01-15T22:59:59.000Z', 'CET: UTC+1');
  // The days the clocks change: 28 March 2027 (to summer time) and 31 October 2027 (back).
  t.equal(iso(endOfDayInPoland('2027-03-27')), '2027-03-27T22:59:59.000Z', 'the day before summer time');
  t.equal(iso(endOfDayInPoland('2027-03-28')), '2027-03-28T21:59:59.000Z', 'the day summer time starts ends in summer time');
  t.equal(iso(endOfDayInPoland('2027-10-30')), '2027-10-30T21:59:59.000Z', 'the day before winter time');
  t.equal(iso(endOfDayInPoland('2027-10-31')), '2027-10-31T22:59:59.000Z', 'the day winter time starts ends in winter time');
  t.equal(iso(endOfDayInPoland('2026-12-31')), '2026-12-31T22:59:59.000Z', 'the year\'s last day');
  t.throws(() => endOfDayInPoland('2027-02-30'), RangeError);
});

t.test('a Warsaw screen shows the day the school wrote', async (t) => {
  for (const day of ['2027-09-30', '2027-01-15', '2027-03-28', '2027-10-31', '2028-02-29']) {
    const exp = endOfDayInPoland(day);
    t.equal(dayInPoland(exp), day, `${day}: its last second is still that day`);
    t.equal(dayInPoland(exp + 1), dayInPoland(exp + 86400), `${day}: one second later is the next day`);
    t.equal(new Date(exp * 1000).toLocaleDateString('en-CA', { timeZone: 'Europe/Warsaw' }), day, `${day}: as Intl shows it in Warsaw`);
  }
});

t.test('student records: YYYY-MM-DD is the end of that day in Poland; seconds are kept', async (t) => {
  t.equal(parseValidUntil('2030-09-30'), Date.parse('2030-09-30T21:59:59Z') / 1000);
  t.equal(parseValidUntil(1_900_000_000), 1_900_000_000);
  t.equal(parseValidUntil('1900000000'), 1_900_000_000);
  t.throws(() => parseValidUntil('30.09.2030'));
});
