/** QR images of presentations: a PNG file, or drawn in the terminal; and how big a payload's code is. */
import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';

const OPTIONS = { errorCorrectionLevel: 'M' } as const;

/** The PNG that `mleg wallet present --qr FILE` writes: `scale` pixels per module, a 4-module quiet zone. */
export function qrPng(text: string, scale = 4): Promise<Buffer> {
  return QRCode.toBuffer(text, { ...OPTIONS, type: 'png', scale, margin: 4 });
}

export async function writeQrPng(text: string, file: string, scale = 4): Promise<void> {
  await writeFile(file, await qrPng(text, scale));
}

export interface QrSize {
  /** QR version (1-40) at error correction M. */
  version: number;
  /** Modules a side. */
  modules: number;
}

export function qrSize(text: string): QrSize {
  const code = QRCode.create(text, OPTIONS);
  return { version: code.version, modules: code.modules.size };
}

export interface TerminalQr {
  /** The lines, with ANSI colours: dark modules in black on a white ground. */
  text: string;
  /** Width in terminal columns. */
  columns: number;
  /** Modules per character cell: 1×2 (half blocks, square modules) or 2×2 (quadrant blocks). */
  cell: 'half' | 'quadrant';
  version: number;
}

/** Modules of light margin on each side: the quiet zone ISO/IEC 18004 asks for. */
export const QUIET_ZONE = 4;
/** Past this version a code drawn two modules to a column has modules too small for a camera to resolve. */
const MAX_QUADRANT_VERSION = 20;

const HALF = [' ', '▀', '▄', '█'];
/** Index bits: 1 top left, 2 top right, 4 bottom left, 8 bottom right. */
const QUADRANT = [' ', '▘', '▝', '▀', '▖', '▌', '▞', '▛', '▗', '▚', '▐', '▜', '▄', '▙', '▟', '█'];
const INK = '\x1b[47m\x1b[30m';
const RESET = '\x1b[0m';

/**
 * The code drawn in the terminal within `maxColumns`, if it can be: half blocks (two
 * module rows a line, square modules) when that fits with a 4-module quiet zone, else
 * quadrant blocks (two modules a column: modules twice as tall as wide, which readers
 * take as any other stretch) for codes up to version 20. Wider codes are drawn in half
 * blocks anyway, and `columns` tells the caller it did not fit.
 */
export function qrForTerminal(text: string, maxColumns = 80): TerminalQr {
  const code = QRCode.create(text, OPTIONS);
  const size = code.modules.size;
  const side = size + 2 * QUIET_ZONE;
  const cell = side > maxColumns && code.version <= MAX_QUADRANT_VERSION && Math.ceil(side / 2) <= maxColumns ? 'quadrant' : 'half';
  const dark = (x: number, y: number): number => {
    const mx = x - QUIET_ZONE;
    const my = y - QUIET_ZONE;
    return mx >= 0 && my >= 0 && mx < size && my < size && code.modules.get(my, mx) ? 1 : 0;
  };
  const lines: string[] = [];
  const across = cell === 'half' ? 1 : 2;
  const columns = Math.ceil(side / across);
  for (let y = 0; y < side; y += 2) {
    let line = '';
    for (let c = 0; c < columns; c++) {
      const x = c * across;
      line += cell === 'half' ? HALF[dark(x, y) | (dark(x, y + 1) << 1)] : QUADRANT[dark(x, y) | (dark(x + 1, y) << 1) | (dark(x, y + 1) << 2) | (dark(x + 1, y + 1) << 3)];
    }
    lines.push(`${INK}${line}${RESET}`);
  }
  return { text: lines.join('\n'), columns, cell, version: code.version };
}
