/**
 * A link to one attached device (scanner or relay) that is opened, lost and reopened:
 * the device may be missing at start, unplugged at any time and plugged back. Reopening
 * backs off from `minDelayMs` to `maxDelayMs`. State changes are told once each (not once
 * per retry) and logged without personal data. Subclasses say how to open, watch and
 * close the handle, and call `lost()` when the handle dies.
 */
import type { Logger } from '../logger.js';
import { HidUnavailableError } from './hid-loader.js';

export type LinkState = 'connected' | 'disconnected' | 'unavailable';

export interface LinkStatus {
  state: LinkState;
  /** Why it is not connected, or where it is connected. */
  detail: string | null;
  /** When the state last changed. */
  since: Date;
}

export interface LinkOptions {
  log: Logger;
  onState?: (status: LinkStatus) => void;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export abstract class DeviceLink<H> {
  #handle: H | undefined;
  #status: LinkStatus = { state: 'disconnected', detail: 'not opened yet', since: new Date() };
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #stopped = true;
  #opening = false;
  protected readonly log: Logger;
  readonly #onState: (status: LinkStatus) => void;
  readonly #minDelay: number;
  readonly #maxDelay: number;

  constructor(o: LinkOptions) {
    this.log = o.log;
    this.#onState = o.onState ?? (() => {});
    this.#minDelay = o.minDelayMs ?? 250;
    this.#maxDelay = o.maxDelayMs ?? 2000;
  }

  /** Opens the device; resolves to the handle and where it was found, or throws why not. */
  protected abstract open(): Promise<{ handle: H; where: string }>;
  /** Starts listening on a fresh handle. */
  protected abstract attach(handle: H): void;
  protected abstract close(handle: H): Promise<void>;

  get status(): LinkStatus {
    return this.#status;
  }

  /** The open handle, when connected. */
  protected get handle(): H | undefined {
    return this.#handle;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#attempt();
  }

  /** The handle died (unplugged, I/O error): drop it and reopen later. */
  protected lost(handle: H, reason: string): void {
    if (handle !== this.#handle) return;
    this.#handle = undefined;
    this.close(handle).catch(() => {});
    if (this.#stopped) return;
    this.#setState('disconnected', reason);
    this.#failures = 0;
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle !== undefined) {
      await this.beforeClose(handle);
      await this.close(handle).catch((err: Error) => this.log.warn({ err: err.message }, 'closing the device failed'));
    }
  }

  /** Last words to an open device before it is closed at stop (a relay switches off). */
  protected async beforeClose(_handle: H): Promise<void> {}

  async #attempt(): Promise<void> {
    if (this.#stopped || this.#opening) return;
    this.#opening = true;
    try {
      const { handle, where } = await this.open();
      if (this.#stopped) {
        await this.close(handle).catch(() => {});
        return;
      }
      this.#handle = handle;
      this.#failures = 0;
      this.attach(handle);
      this.#setState('connected', where);
    } catch (err) {
      if (this.#stopped) return;
      this.#failures++;
      const unavailable = err instanceof HidUnavailableError;
      this.#setState(unavailable ? 'unavailable' : 'disconnected', (err as Error).message);
      this.#schedule(unavailable);
    } finally {
      this.#opening = false;
    }
  }

  #schedule(slow = false): void {
    clearTimeout(this.#timer);
    const delay = slow ? this.#maxDelay : Math.min(this.#maxDelay, this.#minDelay * 2 ** Math.max(0, this.#failures - 1));
    this.#timer = setTimeout(() => void this.#attempt(), delay);
    this.#timer.unref();
  }

  #setState(state: LinkState, detail: string | null): void {
    const changed = state !== this.#status.state || (state !== 'connected' && detail !== this.#status.detail);
    if (!changed) return;
    this.#status = { state, detail, since: new Date() };
    this.#onState(this.#status);
  }
}
