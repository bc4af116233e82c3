/** The people whose (made-up) data the tests issue credentials for: none of it may reach a log. */
import { DEMO_STUDENT } from '../../src/commands/demo.js';
import { STUDENT } from './world.js';

export const CLI_STUDENTS = {
  jan: { given_name: 'Jan', family_name: 'Kowalski', birthdate: '2010-03-01', doc_no: 'S/1/2026' },
  ewa: { given_name: 'Ewa', family_name: 'Nowak "Ewka"', birthdate: '2009-12-31', doc_no: 'S/2/2026' },
  ola: { given_name: 'Ola', family_name: 'Wiśniewska', birthdate: '2004-07-07', doc_no: 'U/9' },
  zuza: { given_name: 'Zuza', family_name: 'Łąka', birthdate: '2011-11-11', doc_no: 'S/3/2026' },
};

/** The student the issuing service's tests register (test/helpers/issuance.ts); each gets its own doc_no suffix. */
export const ISSUANCE_STUDENT = {
  given_name: 'Kunegunda',
  family_name: 'Wydawnicza-Żmijewska',
  birthdate: '2011-04-17',
  doc: 'school',
  doc_no: 'WYD/77/2026',
  valid_until: '2031-06-30',
} as const;

/** Strings that identify a holder; short first names are checked as JSON values only. */
export function sensitiveStrings(): string[] {
  const erased = { given_name: 'Eugenia', family_name: 'Wymazywana-Testowa', birthdate: ISSUANCE_STUDENT.birthdate, doc_no: ISSUANCE_STUDENT.doc_no };
  const people = [STUDENT, DEMO_STUDENT, ...Object.values(CLI_STUDENTS), ISSUANCE_STUDENT, erased];
  return people.flatMap((p) => [JSON.stringify(p.given_name), p.family_name, p.birthdate, p.doc_no]);
}
