/**
 * Activation: the school's offer (the letter's link opened here, pasted, or its QR code
 * scanned), the activation code typed, a new non-extractable key made, the OpenID4VCI flow
 * run (src/wallet/oid4vci-client.ts: metadata, token with the code, nonce, key proof,
 * credential), and the key and credential kept. Every refusal gets its own words: a wrong
 * code with the tries left, a locked, expired, used or replaced offer, no network.
 */
import { isMlegError } from '../../errors.js';
import { activate, readOffer, wellKnown, type Offer } from '../oid4vci-client.js';
import { deviceSigner, newDeviceKey } from '../webcrypto-key.js';
import { scanOffer } from './camera-scan.js';
import { byId, lang, show, t } from './page.js';
import type { TextKey } from './texts.js';
import { replaceHeld, type Held } from './wallet-db.js';

interface Message {
  key: TextKey;
  values?: Record<string, string | number>;
  /** The service's own words (English, technical), shown small under the message. */
  detail?: string;
}

/** The words for an activation that failed. */
export function activationMessage(err: unknown): Message {
  if (!isMlegError(err)) return { key: 'failed', detail: err instanceof Error ? err.message : String(err) };
  switch (err.code) {
    case 'ACTIVATION_CODE_WRONG': {
      const left = err.details?.attemptsLeft;
      return typeof left !== 'number' ? { key: 'wrongCodeNoCount' } : left === 1 ? { key: 'wrongCodeLast' } : { key: 'wrongCode', values: { n: left } };
    }
    case 'OFFER_LOCKED':
      return { key: 'locked' };
    case 'OFFER_EXPIRED': {
      const reason = err.details?.reason;
      return { key: reason === 'expired' ? 'expired' : reason === 'used' ? 'used' : reason === 'cancelled' ? 'replaced' : 'offerVoid' };
    }
    case 'ISSUER_UNREACHABLE':
      return { key: 'offline' };
    case 'OFFER_INVALID':
      return { key: 'invalidOffer' };
    case 'USAGE':
      return { key: 'codeFormat' };
    case 'WALLET_UNSUPPORTED':
      return { key: 'unsupported', detail: err.message };
    case 'CAMERA_UNAVAILABLE':
      return { key: 'camera' };
    case 'ISSUER_REFUSED':
      return { key: 'refused', detail: err.message };
    default:
      return { key: 'failed', detail: err.message };
  }
}

interface Described {
  doc: Record<string, string>;
  school: string | undefined;
}

/** The document and school names of an offer, from its issuer's metadata (undefined offline). */
async function describeOffer(offer: Offer): Promise<Described | undefined> {
  try {
    const res = await fetch(wellKnown(offer.issuer, 'openid-credential-issuer'), { headers: { accept: 'application/json' } });
    if (!res.ok) return undefined;
    const metadata = (await res.json()) as {
      display?: { name?: string }[];
      credential_configurations_supported?: Record<string, { credential_metadata?: { display?: { name?: string; locale?: string }[] } }>;
    };
    const display = metadata.credential_configurations_supported?.[offer.configurationId]?.credential_metadata?.display ?? [];
    return { doc: Object.fromEntries(display.filter((d) => d.name !== undefined).map((d) => [d.locale ?? 'pl', d.name!])), school: metadata.display?.[0]?.name };
  } catch {
    return undefined;
  }
}

export class ActivationView {
  #link: string | undefined;
  #offer: Offer | undefined;
  #described: Described | undefined;
  #message: Message | undefined;
  #busy = false;
  #scan: AbortController | undefined;
  readonly #onActivated: (held: Held) => void;
  readonly #onCancel: (() => void) | undefined;

  constructor(o: { onActivated: (held: Held) => void; onCancel?: () => void }) {
    this.#onActivated = o.onActivated;
    this.#onCancel = o.onCancel;
    byId('code-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.#submit();
    });
    byId('paste-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.open(byId<HTMLTextAreaElement>('paste').value.trim(), { replacing: !byId('replace-note').hidden });
    });
    byId('scan').addEventListener('click', () => void this.#scanLetter());
    byId('scan-stop').addEventListener('click', () => this.#stopScan());
    byId('activate-cancel').addEventListener('click', () => {
      this.#stopScan();
      this.#onCancel?.();
    });
  }

  /** Shows the activation screen for `link` (an offer), or for finding one. */
  async open(link: string | undefined, o: { replacing: boolean }): Promise<void> {
    this.#link = undefined;
    this.#offer = undefined;
    this.#described = undefined;
    this.#message = undefined;
    byId('replace-note').hidden = !o.replacing;
    byId('activate-cancel').hidden = !o.replacing;
    if (link !== undefined && link !== '') {
      try {
        this.#offer = await readOffer(link);
        this.#link = link;
      } catch (err) {
        this.#message = activationMessage(err);
      }
    }
    byId('offer-known').hidden = this.#offer === undefined;
    byId('offer-unknown').hidden = this.#offer !== undefined;
    show('activate');
    this.render();
    if (this.#offer !== undefined) {
      byId('code').focus();
      const offer = this.#offer;
      this.#described = await describeOffer(offer);
      if (this.#offer === offer) this.render();
    }
  }

  render(): void {
    const offer = this.#offer;
    if (offer !== undefined) {
      const doc = this.#described?.doc[lang] ?? this.#described?.doc.pl ?? offer.configurationId;
      byId('offer-doc').textContent = this.#described?.school === undefined ? doc : `${doc} — ${this.#described.school}`;
      // The school's own description is Polish; in English ours.
      byId('code-hint').textContent = lang === 'pl' && offer.txCode?.description !== undefined ? offer.txCode.description : t('codeHint');
      const code = byId<HTMLInputElement>('code');
      if (offer.txCode?.length !== undefined) code.maxLength = offer.txCode.length;
    }
    byId('activate-button').textContent = t(this.#busy ? 'activating' : 'activate');
    byId('activate-message').textContent = this.#message === undefined ? '' : t(this.#message.key, this.#message.values);
    const detail = byId('activate-detail');
    detail.hidden = this.#message?.detail === undefined;
    detail.textContent = this.#message?.detail ?? '';
    document.body.dataset.message = this.#message?.key ?? '';
  }

  /** Says why something failed (the wallet's own storage, at start). */
  fail(err: unknown): void {
    this.#say(activationMessage(err));
  }

  #say(message: Message | undefined): void {
    this.#message = message;
    this.render();
  }

  async #submit(): Promise<void> {
    if (this.#busy || this.#link === undefined || this.#offer === undefined) return;
    const input = byId<HTMLInputElement>('code');
    const code = input.value.replace(/\s+/g, '');
    const length = this.#offer.txCode?.length ?? 8;
    if (!new RegExp(`^[0-9]{${length}}$`).test(code)) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return this.#say({ key: 'codeFormat' });
    }
    input.removeAttribute('aria-invalid');
    this.#busy = true;
    byId<HTMLButtonElement>('activate-button').disabled = true;
    this.#say(undefined);
    try {
      const device = await newDeviceKey();
      const got = await activate({ offer: this.#link, txCode: code, signer: deviceSigner(device), compact: true });
      const held: Held = { device, credential: got.credential, ...(got.compact !== undefined ? { compact: got.compact } : {}), configurationId: got.configurationId, issuer: got.issuer, activatedAt: Date.now() };
      await replaceHeld(held);
      input.value = '';
      this.#onActivated(held);
    } catch (err) {
      const message = activationMessage(err);
      if (message.key.startsWith('wrongCode')) {
        input.value = '';
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      }
      this.#say(message);
    } finally {
      this.#busy = false;
      byId<HTMLButtonElement>('activate-button').disabled = false;
      this.render();
    }
  }

  async #scanLetter(): Promise<void> {
    this.#stopScan();
    const controller = new AbortController();
    this.#scan = controller;
    byId('camera').hidden = false;
    this.#say(undefined);
    try {
      const link = await scanOffer(byId<HTMLVideoElement>('camera-video'), controller.signal);
      await this.open(link, { replacing: !byId('replace-note').hidden });
    } catch (err) {
      if (!controller.signal.aborted) this.#say(activationMessage(err));
    } finally {
      if (this.#scan === controller) this.#stopScan();
    }
  }

  #stopScan(): void {
    this.#scan?.abort();
    this.#scan = undefined;
    byId('camera').hidden = true;
  }
}
