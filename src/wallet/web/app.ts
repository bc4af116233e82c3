/**
 * The student's web wallet (served at /wallet/ by the issuing service; bundled by
 * src/wallet/web-bundle.ts). With no credential, or opened with an offer
 * (`#credential_offer=…`, as the school's letter links here), it activates; then it is
 * the mLegitymacja screen, checks its status whenever online, and shows QR codes. After the
 * first load a service worker serves it offline; the key and credential are in IndexedDB.
 */
import { checkStatus } from '../status-check.js';
import { ActivationView } from './activate-view.js';
import { renderCard, startClock } from './card-view.js';
import { readIdDocument, type IdDocument } from './id-document.js';
import { followTilt, raiseFlag } from './motion.js';
import { applyTexts, byId, lang, onLanguage, setLanguage, show } from './page.js';
import { QrLoop } from './qr-view.js';
import { read, write, type Held, type Seen } from './wallet-db.js';

/** How often the status is looked at again while the ID is on screen. */
const STATUS_EVERY_MS = 5 * 60_000;

/** The offer a link to this page carries after `#` (never sent to any server): the parameters of an openid-credential-offer:// link. */
function offerInLocation(): string | undefined {
  const params = new URLSearchParams(location.hash.slice(1));
  return params.has('credential_offer') || params.has('credential_offer_uri') ? `openid-credential-offer://?${location.hash.slice(1)}` : undefined;
}

class Wallet {
  #doc: IdDocument | undefined;
  #seen: Seen | undefined;
  #stale = false;
  #checking = false;
  #loop: QrLoop | undefined;
  readonly activation = new ActivationView({ onActivated: (held) => this.#activated(held), onCancel: () => this.showCard() });

  async start(): Promise<void> {
    byId('show-qr').addEventListener('click', () => this.showQr());
    byId('hide-qr').addEventListener('click', () => this.showCard(true));
    addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && document.body.dataset.view === 'qr') this.showCard(true);
    });
    addEventListener('online', () => void this.checkStatus());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void this.checkStatus();
      else this.#loop?.stop();
    });
    addEventListener('hashchange', () => void this.#route());
    setInterval(() => void this.checkStatus(), STATUS_EVERY_MS);
    onLanguage(() => {
      if (this.#doc !== undefined) this.#render();
      this.activation.render();
      this.#loop?.render();
    });
    try {
      const held = await read('held');
      if (held !== undefined) this.#hold(held, await read('seen'));
    } catch (err) {
      await this.activation.open(undefined, { replacing: false });
      this.activation.fail(err);
      return;
    }
    await this.#route();
  }

  async #route(): Promise<void> {
    const link = offerInLocation();
    if (link !== undefined || this.#doc === undefined) {
      this.#loop?.stop();
      await this.activation.open(link, { replacing: this.#doc !== undefined });
    } else {
      this.showCard();
    }
    void this.checkStatus();
  }

  #hold(held: Held, seen: Seen | undefined): void {
    this.#loop?.stop();
    this.#doc = readIdDocument(held.credential);
    this.#seen = seen;
    this.#stale = false;
    this.#loop = new QrLoop(held);
  }

  #activated(held: Held): void {
    this.#hold(held, undefined);
    // The offer is used: out of the address bar and the history entry.
    history.replaceState(null, '', location.pathname);
    this.showCard();
    void this.checkStatus();
  }

  /** `focus`: coming back from the QR code, the button that led there takes the focus again. */
  showCard(focus = false): void {
    if (this.#doc === undefined) return;
    this.#loop?.stop();
    this.#render();
    show('card');
    if (focus) byId('show-qr').focus({ preventScroll: true });
  }

  showQr(): void {
    if (this.#loop === undefined || this.#doc === undefined) return;
    byId('qr-name').textContent = `${this.#doc.givenName} ${this.#doc.familyName}`;
    show('qr');
    this.#loop.start();
    byId('hide-qr').focus({ preventScroll: true });
  }

  /** The status list, read again now when online; what it says is kept for offline starts. */
  async checkStatus(): Promise<void> {
    const doc = this.#doc;
    if (doc?.status === undefined || this.#checking) return;
    this.#checking = true;
    try {
      const seen: Seen = { ...(await checkStatus(doc.status)), checkedAt: Date.now() };
      if (this.#doc !== doc) return;
      this.#seen = seen;
      this.#stale = false;
      await write('seen', seen);
    } catch {
      if (this.#doc === doc) this.#stale = true;
    } finally {
      this.#checking = false;
      document.body.dataset.statusChecks = String(Number(document.body.dataset.statusChecks ?? 0) + 1);
      if (this.#doc === doc && doc !== undefined) this.#render();
    }
  }

  #render(): void {
    renderCard({ doc: this.#doc!, seen: this.#seen, stale: this.#stale });
  }
}

function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('sw.js', { scope: './', type: 'classic' }).then(
    (registration) => {
      document.body.dataset.offline = registration.active !== null ? 'ready' : 'installing';
      void navigator.serviceWorker.ready.then(() => (document.body.dataset.offline = 'ready'));
    },
    () => (document.body.dataset.offline = 'unavailable'),
  );
}

applyTexts();
byId('lang').addEventListener('click', () => setLanguage(lang === 'pl' ? 'en' : 'pl'));
raiseFlag(byId('flag'));
followTilt();
startClock();
registerServiceWorker();
void new Wallet().start();
