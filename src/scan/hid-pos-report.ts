/**
 * USB HID POS scanners (usage page 0x8C, usage 0x02): input report 2, as Honeywell and
 * Access-IS send it (pure). A 64-byte report:
 *
 *   byte 0      report ID, 0x02
 *   byte 1      number of data bytes in this report (at most 56)
 *   bytes 2–4   AIM symbology identifier, e.g. "]Q1"
 *   bytes 5–60  data
 *   byte 61     further symbology identifier (vendor), byte 62 reserved
 *   last byte   bit 0: more data follows in the next report
 *
 * A long code comes as several reports, each with the continuation bit set but the last;
 * the assembler joins them. Other report IDs (vendor responses) are ignored.
 */
import { MAX_SCAN_LENGTH } from './scan-framer.js';

export const SCANNED_DATA_REPORT_ID = 0x02;
const HEADER = 5;
const MAX_DATA_PER_REPORT = 56;

export interface HidPosScan {
  /** The decoded data (latin1, one character per byte). */
  text: string;
  /** AIM symbology identifier of the first report, e.g. "]Q1"; "" when the scanner sent none. */
  aim: string;
  /** How many reports it came in. */
  reports: number;
}

export type HidPosReport =
  | { kind: 'data'; data: Buffer; aim: string; more: boolean }
  | { kind: 'other'; reportId: number }
  | { kind: 'invalid'; reason: string };

export function parseHidPosReport(report: Uint8Array): HidPosReport {
  if (report.length === 0) return { kind: 'invalid', reason: 'empty report' };
  if (report[0] !== SCANNED_DATA_REPORT_ID) return { kind: 'other', reportId: report[0]! };
  if (report.length < HEADER + 1) return { kind: 'invalid', reason: `report of ${report.length} bytes is too short` };
  const length = report[1]!;
  const room = Math.min(MAX_DATA_PER_REPORT, report.length - HEADER - 1);
  if (length > room) return { kind: 'invalid', reason: `data length ${length} exceeds the ${room} bytes a report holds` };
  const aim = Buffer.from(report.subarray(2, HEADER))
    .toString('latin1')
    .replace(/\0+$/, '');
  return {
    kind: 'data',
    data: Buffer.from(report.subarray(HEADER, HEADER + length)),
    aim: aim.startsWith(']') ? aim : '',
    more: (report[report.length - 1]! & 0x01) === 1,
  };
}

export interface AssemblerOptions {
  onScan: (scan: HidPosScan) => void;
  /** A report that is not a scanned-data report of the expected shape. */
  onInvalid?: (reason: string) => void;
  /** A code grew past `maxLength` without its last report: dropped. */
  onOverflow?: (length: number) => void;
  maxLength?: number;
}

/** Joins continued reports into whole scans. */
export class HidPosAssembler {
  readonly #o: AssemblerOptions;
  readonly #max: number;
  #parts: Buffer[] = [];
  #length = 0;
  #aim = '';
  #discarding = false;

  constructor(o: AssemblerOptions) {
    this.#o = o;
    this.#max = o.maxLength ?? MAX_SCAN_LENGTH;
  }

  push(report: Uint8Array): void {
    const parsed = parseHidPosReport(report);
    if (parsed.kind === 'other') return;
    if (parsed.kind === 'invalid') {
      this.#o.onInvalid?.(parsed.reason);
      return;
    }
    if (this.#parts.length === 0) this.#aim = parsed.aim;
    if (!this.#discarding) {
      this.#parts.push(parsed.data);
      this.#length += parsed.data.length;
      if (this.#length > this.#max) {
        this.#o.onOverflow?.(this.#length);
        this.#discarding = true;
      }
    }
    if (parsed.more) return;
    const reports = this.#parts.length;
    const text = Buffer.concat(this.#parts).toString('latin1');
    const complete = !this.#discarding;
    this.reset();
    if (complete && text.length > 0) this.#o.onScan({ text, aim: this.#aim, reports });
  }

  reset(): void {
    this.#parts = [];
    this.#length = 0;
    this.#discarding = false;
  }
}
