/** Codes in the order a person reads them: rows from the top, each row from the left. */
import type { CodePosition } from './qr-decoder.js';

interface Box {
  top: number;
  bottom: number;
  cx: number;
  cy: number;
}

/**
 * A code joins a row when its centre lies between the top and the bottom of the row's
 * first code; otherwise it starts the next row.
 */
export function inReadingOrder<T extends { position: CodePosition }>(codes: readonly T[]): T[] {
  const boxed = codes.map((code) => ({ code, box: boxOf(code.position) })).sort((a, b) => a.box.cy - b.box.cy);
  const rows: (typeof boxed)[] = [];
  for (const item of boxed) {
    const row = rows.at(-1);
    if (row !== undefined && item.box.cy <= row[0]!.box.bottom && item.box.cy >= row[0]!.box.top) row.push(item);
    else rows.push([item]);
  }
  return rows.flatMap((row) => row.sort((a, b) => a.box.cx - b.box.cx).map((item) => item.code));
}

function boxOf({ topLeft, topRight, bottomRight, bottomLeft }: CodePosition): Box {
  const corners = [topLeft, topRight, bottomRight, bottomLeft];
  const ys = corners.map((p) => p.y);
  return {
    top: Math.min(...ys),
    bottom: Math.max(...ys),
    cx: corners.reduce((sum, p) => sum + p.x, 0) / 4,
    cy: ys.reduce((sum, y) => sum + y, 0) / 4,
  };
}
