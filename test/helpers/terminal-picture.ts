/**
 * A picture of a terminal showing text drawn with block characters (as `mleg wallet
 * present --qr -` draws a QR code): each character cell 8 × 16 pixels, as in a common
 * monospace font, filled by the quarters its character covers (▀ ▄ █ and the quadrant
 * blocks), black ink on the white ground the ANSI colours ask for, the terminal's own dark
 * background around it. ANSI escapes are dropped.
 */
import sharp from 'sharp';

const CELL = { width: 8, height: 16 };
/** Which quarters a character covers: 1 top left, 2 top right, 4 bottom left, 8 bottom right. */
const QUARTERS: Record<string, number> = {
  ' ': 0, '▘': 1, '▝': 2, '▀': 3, '▖': 4, '▌': 5, '▞': 6, '▛': 7,
  '▗': 8, '▚': 9, '▐': 10, '▜': 11, '▄': 12, '▙': 13, '▟': 14, '█': 15,
};

/** The lines of the drawing, escapes removed. */
export function terminalLines(text: string): string[] {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => l.length > 0);
}

/** Widest line in columns. */
export function terminalColumns(text: string): number {
  return Math.max(...terminalLines(text).map((l) => [...l].length));
}

export async function terminalPicture(text: string, border = 24): Promise<Buffer> {
  const lines = terminalLines(text).map((l) => [...l]);
  const columns = Math.max(...lines.map((l) => l.length));
  const width = columns * CELL.width + 2 * border;
  const height = lines.length * CELL.height + 2 * border;
  const data = new Uint8Array(width * height).fill(30);
  const hw = CELL.width / 2;
  const hh = CELL.height / 2;
  lines.forEach((line, row) => {
    line.forEach((ch, col) => {
      const quarters = QUARTERS[ch];
      if (quarters === undefined) throw new Error(`not a block character: ${JSON.stringify(ch)}`);
      for (let q = 0; q < 4; q++) {
        const ink = (quarters >> q) & 1;
        const x0 = border + col * CELL.width + (q & 1) * hw;
        const y0 = border + row * CELL.height + (q >> 1) * hh;
        for (let y = y0; y < y0 + hh; y++) data.fill(ink ? 0 : 235, y * width + x0, y * width + x0 + hw);
      }
    });
  });
  return sharp(data, { raw: { width, height, channels: 1 } }).png().toBuffer();
}
