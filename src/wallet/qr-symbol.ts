/**
 * A presentation's QR symbol as the phone draws it: error correction M and a 4-module
 * quiet zone (ISO/IEC 18004), from the encoder the project uses everywhere (qrcode; its
 * core only, which runs in a browser as it does in Node). The drawing is the caller's.
 */
import { create } from 'qrcode/lib/core/qrcode.js';

export const QR_OPTIONS = { errorCorrectionLevel: 'M' } as const;
/** Modules of light margin on each side. */
export const QUIET_ZONE = 4;

export interface QrSymbol {
  version: number;
  /** Modules a side, without the quiet zone. */
  size: number;
  dark(row: number, column: number): boolean;
}

export function qrSymbol(text: string): QrSymbol {
  const code = create(text, QR_OPTIONS);
  return { version: code.version, size: code.modules.size, dark: (row, column) => code.modules.get(row, column) !== 0 };
}
