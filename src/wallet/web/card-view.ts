/**
 * The mLegitymacja screen: the holder, the school, the document, its dates, and how it
 * stands — green while valid; red when expired, or revoked or suspended in the last status
 * list seen — with the presentation date and time ticking to the second.
 */
import { calendarDate, clockFace, polishDate, whenSeen } from './dates.js';
import { standing, type IdDocument, type Standing } from './id-document.js';
import { byId, t } from './page.js';
import type { Seen } from './wallet-db.js';

export interface CardState {
  doc: IdDocument;
  seen: Seen | undefined;
  /** Whether the last attempt to read the status list failed (offline). */
  stale: boolean;
}

export function renderCard({ doc, seen, stale }: CardState): Standing {
  const now = Date.now();
  const stands = standing(doc, seen, now);
  byId('card-title').textContent = t(doc.doc === 'school' ? 'docSchool' : 'docStudent');
  byId('school-label').textContent = t(doc.doc === 'school' ? 'school' : 'university');
  byId('f-given-name').textContent = doc.givenName;
  byId('f-family-name').textContent = doc.familyName;
  byId('f-birthdate').textContent = calendarDate(doc.birthdate);
  byId('f-school').textContent = doc.orgName;
  byId('f-doc-no').textContent = doc.docNo;
  byId('f-issued').textContent = polishDate(doc.issuedAt);
  byId('f-valid-until').textContent = polishDate(doc.expiresAt);
  byId('valid-until-label').textContent = t(stands === 'valid' ? 'validUntil' : 'validityEnd');
  byId('validity-word').textContent = t(stands === 'valid' ? 'valid' : stands === 'suspended' ? 'suspended' : 'notValid');
  const note = byId('validity-note');
  note.hidden = stands === 'valid';
  note.textContent = stands === 'expired' ? t('expiredNote') : stands === 'revoked' ? t('revokedNote') : stands === 'suspended' ? t('suspendedNote') : '';
  byId('status-line').textContent =
    seen === undefined ? t('statusNever') : stale ? t('statusStale', { time: whenSeen(seen.checkedAt, now) }) : t('statusChecked', { time: whenSeen(seen.checkedAt, now) });
  document.body.dataset.standing = stands;
  return stands;
}

/** The clock on the ID and beside the QR code, updated as each second begins. */
export function startClock(): void {
  const date = byId<HTMLTimeElement>('clock-date');
  const time = byId<HTMLTimeElement>('clock-time');
  const qrClock = byId<HTMLTimeElement>('qr-clock');
  const tick = () => {
    const now = new Date();
    const face = clockFace(now);
    date.textContent = face.date;
    time.textContent = face.time;
    time.dateTime = date.dateTime = face.iso;
    qrClock.textContent = `${face.date} ${face.time}`;
    setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  };
  tick();
}
