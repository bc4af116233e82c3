/**
 * "Pokaż kod QR": a fresh presentation every 10 seconds (a new proof `iat` and `jti`, signed
 * with the non-extractable key) — MLEG2 when the wallet holds the compact form (a code half
 * the size, read faster), MLEG1 otherwise — drawn as one SVG path with a 4-module quiet zone, as large
 * as the screen allows; a countdown to the next one; the screen kept awake while it shows.
 */
import { fromBase64url } from '../../jws/base64url.js';
import { credentialAad, presentMleg2 } from '../compact-presentation.js';
import { credentialDigest, presentMleg1 } from '../presentation.js';
import { qrSymbol, QUIET_ZONE } from '../qr-symbol.js';
import { deviceSigner } from '../webcrypto-key.js';
import { byId, t } from './page.js';
import type { Held } from './wallet-db.js';

/** How long one code is shown before the next replaces it. */
export const PERIOD_MS = 10_000;

const SVG = 'http://www.w3.org/2000/svg';

export function drawQr(svg: SVGSVGElement, text: string): number {
  const symbol = qrSymbol(text);
  const side = symbol.size + 2 * QUIET_ZONE;
  let d = '';
  for (let row = 0; row < symbol.size; row++) {
    for (let col = 0; col < symbol.size; ) {
      if (!symbol.dark(row, col)) {
        col++;
        continue;
      }
      let run = 1;
      while (col + run < symbol.size && symbol.dark(row, col + run)) run++;
      d += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h${run}v1h-${run}z`;
      col += run;
    }
  }
  const ground = document.createElementNS(SVG, 'rect');
  ground.setAttribute('width', String(side));
  ground.setAttribute('height', String(side));
  ground.setAttribute('fill', '#fff');
  const ink = document.createElementNS(SVG, 'path');
  ink.setAttribute('d', d);
  ink.setAttribute('fill', '#000');
  svg.setAttribute('viewBox', `0 0 ${side} ${side}`);
  svg.replaceChildren(ground, ink);
  return symbol.version;
}

export class QrLoop {
  #held: Held;
  /** A fresh presentation: MLEG2 of the compact form when held, MLEG1 otherwise. */
  #present: () => Promise<string>;
  #on = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #nextAt = 0;
  #shown = 0;
  #wakeLock: { release(): Promise<void> } | undefined;

  constructor(held: Held) {
    this.#held = held;
    const signer = deviceSigner(held.device);
    if (held.compact !== undefined) {
      const bytes = fromBase64url(held.compact);
      const aad = credentialAad(bytes);
      this.#present = async () => presentMleg2(bytes, signer, { aad: await aad });
    } else {
      const cred = credentialDigest(held.credential);
      this.#present = async () => presentMleg1(held.credential, signer, { cred: await cred });
    }
  }

  start(): void {
    if (this.#on) return;
    this.#on = true;
    // Counted per showing (data-qr-shown: how many codes this showing has drawn).
    this.#shown = 0;
    this.#nextAt = 0;
    void this.#next();
    this.#ticker = setInterval(() => this.#countdown(), 250);
    void this.#keepAwake();
  }

  stop(): void {
    this.#on = false;
    clearTimeout(this.#timer);
    clearInterval(this.#ticker);
    this.#timer = this.#ticker = undefined;
    void this.#wakeLock?.release().catch(() => undefined);
    this.#wakeLock = undefined;
  }

  /** The language changed: the countdown's words. */
  render(): void {
    this.#countdown();
  }

  async #next(): Promise<void> {
    const payload = await this.#present();
    if (!this.#on) return;
    const version = drawQr(byId<HTMLElement>('qr-code') as unknown as SVGSVGElement, payload);
    this.#shown += 1;
    document.body.dataset.qrShown = String(this.#shown);
    document.body.dataset.qrVersion = String(version);
    document.body.dataset.qrFormat = this.#held.compact !== undefined ? 'mleg2' : 'mleg1';
    this.#nextAt = Date.now() + PERIOD_MS;
    const bar = byId('countdown-bar');
    // Restart the bar's animation: one sweep per code.
    bar.classList.remove('running');
    void bar.offsetWidth;
    bar.classList.add('running');
    this.#countdown();
    this.#timer = setTimeout(() => void this.#next(), PERIOD_MS);
  }

  #countdown(): void {
    const left = Math.max(1, Math.ceil((this.#nextAt - Date.now()) / 1000));
    byId('countdown').textContent = this.#nextAt === 0 ? '' : t('newCodeIn', { n: left });
  }

  async #keepAwake(): Promise<void> {
    const wake = (navigator as unknown as { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> } }).wakeLock;
    try {
      this.#wakeLock = await wake?.request('screen');
    } catch {
      // Refused (battery saver, a hidden page): the code still shows.
    }
  }
}
