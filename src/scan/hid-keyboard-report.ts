/**
 * USB HID keyboard-wedge scanners: 8-byte boot keyboard reports to characters (pure).
 *
 *   byte 0     modifiers: bit 1 left Shift, bit 5 right Shift, bit 6 right Alt (AltGr)
 *   byte 1     reserved
 *   bytes 2–7  up to six key usage IDs held down (0 = none; 1 in every slot = rollover error)
 *
 * A key gives its character when it goes down: present now, absent from the previous
 * report. Scanners release every key between characters, so "aa" arrives as press,
 * release, press. A report with a leading report ID (9 bytes, composite devices) is
 * accepted too. Layouts are data files (devices/layouts/*.json, see keyboard-layout.ts).
 */
import type { KeyboardLayout } from '../devices/keyboard-layout.js';

const SHIFT = 0x02 | 0x20;
const ALTGR = 0x40;
const ROLLOVER = 0x01;

export class HidKeyboardDecoder {
  readonly #layout: KeyboardLayout;
  #down = new Set<number>();
  /** Keys pressed that the layout has no character for (counted, never logged). */
  unknownKeys = 0;

  constructor(layout: KeyboardLayout) {
    this.#layout = layout;
  }

  /** The characters this report types ("" for a release or a rollover report). */
  push(report: Uint8Array): string {
    const keys = report.length === 9 ? report.subarray(1) : report;
    if (keys.length < 3) return '';
    const modifiers = keys[0]!;
    const codes = [...keys.subarray(2, 8)].filter((k) => k !== 0);
    if (codes.length > 0 && codes.every((k) => k === ROLLOVER)) return '';
    let typed = '';
    for (const code of codes) {
      if (this.#down.has(code)) continue;
      const pair = ((modifiers & ALTGR) !== 0 && this.#layout.altgr.get(code)) || this.#layout.keys.get(code);
      if (pair === undefined) this.unknownKeys++;
      else typed += pair[(modifiers & SHIFT) !== 0 ? 1 : 0];
    }
    this.#down = new Set(codes);
    return typed;
  }

  reset(): void {
    this.#down.clear();
  }
}
