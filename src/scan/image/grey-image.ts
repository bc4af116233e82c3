/** A greyscale image (one byte per pixel) and the cheap transforms the decoding retries use. */

/** One byte of luminance per pixel, row by row (0 black … 255 white). */
export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Dark for light: a dark-mode screen shows light modules on a dark ground. */
export function inverted({ data, width, height }: GreyImage): GreyImage {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = 255 - data[i]!;
  return { data: out, width, height };
}

/** Half the width and height, each pixel the mean of a 2×2 block (smooths sensor noise and moiré). */
export function halved({ data, width, height }: GreyImage): GreyImage {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const top = 2 * y * width;
    const bottom = top + width;
    for (let x = 0; x < w; x++) {
      const i = 2 * x;
      out[y * w + x] = (data[top + i]! + data[top + i + 1]! + data[bottom + i]! + data[bottom + i + 1]! + 2) >> 2;
    }
  }
  return { data: out, width: w, height: h };
}

/** Twice the width and height, bilinear (gives a decoder more than two pixels per module of a small code). */
export function doubled({ data, width, height }: GreyImage): GreyImage {
  const w = width * 2;
  const h = height * 2;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.max(0, (y - 0.5) / 2);
    const y0 = Math.min(height - 1, Math.floor(sy));
    const y1 = Math.min(height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.max(0, (x - 0.5) / 2);
      const x0 = Math.min(width - 1, Math.floor(sx));
      const x1 = Math.min(width - 1, x0 + 1);
      const fx = sx - x0;
      const top = data[y0 * width + x0]! * (1 - fx) + data[y0 * width + x1]! * fx;
      const bottom = data[y1 * width + x0]! * (1 - fx) + data[y1 * width + x1]! * fx;
      out[y * w + x] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  return { data: out, width: w, height: h };
}
