/**
 * Camera pictures of phones showing presentation QR codes, made without a camera: the
 * code as `mleg wallet present --qr` draws it, on a phone's screen (light or dark mode),
 * put into a camera frame by a perspective warp (distance, rotation, tilt), then blurred,
 * washed out by glare, overlaid with moiré and sensor noise, and JPEG-compressed.
 * Deterministic: the noise comes from a seeded generator.
 */
import sharp from 'sharp';
import { qrPng, qrSize } from '../../src/issuer/qr.js';
import type { GreyImage } from '../../src/scan/image/grey-image.js';
import { seededRandom } from './random.js';

type Point = [x: number, y: number];
/** Where the phone's corners land in the frame: top left, top right, bottom right, bottom left. */
type Quad = [Point, Point, Point, Point];

export interface CameraShot {
  name: string;
  frame?: { width: number; height: number };
  /** One quad per phone in the picture. */
  phones: Quad[];
  dark?: boolean;
  /** Defocus: Gaussian sigma in frame pixels. */
  blur?: number;
  /** A reflection: added brightness, strongest at (x, y), fading over `radius` pixels. */
  glare?: { x: number; y: number; radius: number; strength: number };
  /** Amplitude (grey levels) of the beat between the screen's pixel grid and the sensor's. */
  moire?: number;
  /** Standard deviation (grey levels) of sensor noise. */
  noise?: number;
  /** JPEG quality; PNG when absent. */
  jpeg?: number;
  /** A dim screen in a dim room: every grey level scaled by this (0-1) before the sensor's noise. */
  dim?: number;
  /**
   * Draw the code as large as the screen's width allows (whole pixels per module), as a
   * wallet app does, rather than at 4 pixels a module: a code of fewer modules gets
   * larger modules on the same phone.
   */
  fitWidth?: boolean;
}

const FRAME = { width: 1280, height: 960 };
/** The phone as drawn before it is photographed: body, screen, and the code at 4 pixels per module. */
const PHONE = { width: 720, height: 1400, bezel: 24, top: 110 };

/**
 * A phone of PHONE's size centred at (cx, cy), scaled, turned by `angle` degrees, and
 * tilted: `back` shrinks its top edge (held leaning back), `side` its left edge.
 */
export function placed(cx: number, cy: number, scale: number, angle = 0, back = 0, side = 0): Quad {
  const w = (PHONE.width * scale) / 2;
  const h = (PHONE.height * scale) / 2;
  const local: Point[] = [
    [-w * (1 - back) * (1 - side / 2), -h * (1 - side)],
    [w * (1 - back), -h],
    [w, h],
    [-w * (1 - side / 2), h * (1 - side)],
  ];
  const a = (angle * Math.PI) / 180;
  return local.map(([x, y]) => [cx + x * Math.cos(a) - y * Math.sin(a), cy + x * Math.sin(a) + y * Math.cos(a)]) as Quad;
}

/** The phone-screen test set: each one a kind of picture a till's webcam or a phone camera takes. */
export const CAMERA_SHOTS: CameraShot[] = [
  { name: 'close, straight', phones: [placed(640, 470, 0.9)] },
  { name: 'far (about 2 px per module)', phones: [placed(640, 480, 0.5)] },
  { name: 'very far, turned 20° (about 1.2 px per module)', phones: [placed(640, 480, 0.3, 20)] },
  { name: 'turned 12°', phones: [placed(640, 480, 0.68, 12)] },
  { name: 'landscape, turned 115°', phones: [placed(640, 480, 0.62, 115)] },
  { name: 'leaning back (keystone)', phones: [placed(640, 480, 0.7, 0, 0.3)] },
  { name: 'tilted sideways and turned', phones: [placed(640, 480, 0.7, -20, 0.1, 0.25)] },
  { name: 'out of focus', phones: [placed(640, 480, 0.75)], blur: 1.6 },
  { name: 'glare across the code', phones: [placed(640, 480, 0.75)], glare: { x: 740, y: 380, radius: 170, strength: 170 } },
  { name: 'moiré and sensor noise', phones: [placed(640, 480, 0.72, 5)], moire: 40, noise: 12 },
  { name: 'dark mode', phones: [placed(640, 480, 0.7)], dark: true },
  { name: 'dark mode, leaning back, JPEG', phones: [placed(640, 480, 0.72, 8, 0.25)], dark: true, jpeg: 70 },
  {
    name: 'everything at once, JPEG 60',
    phones: [placed(620, 500, 0.75, -9, 0.2, 0.1)],
    blur: 1.1,
    glare: { x: 560, y: 560, radius: 220, strength: 110 },
    moire: 20,
    noise: 8,
    jpeg: 60,
  },
  {
    name: "a phone camera's photo, 4032×3024 JPEG",
    frame: { width: 4032, height: 3024 },
    phones: [placed(2100, 1400, 1.5, 6, 0.15)],
    blur: 1.5,
    noise: 5,
    jpeg: 85,
  },
];

/** Renders `shot` with payloads[i] on phone i; an encoded PNG or JPEG. */
export async function photograph(payloads: string[], shot: CameraShot): Promise<Buffer> {
  if (payloads.length !== shot.phones.length) throw new Error(`${shot.name}: ${shot.phones.length} phones, ${payloads.length} payloads`);
  const { width, height } = shot.frame ?? FRAME;
  const frame = desk(width, height);
  const onScreen = new Uint8Array(width * height);
  for (let i = 0; i < payloads.length; i++) warp(await phoneScreen(payloads[i]!, shot.dark ?? false, shot.fitWidth ?? false), frame, onScreen, shot.phones[i]!);
  const random = seededRandom(payloads.length * 7919 + shot.name.length);
  if (shot.moire) addMoire(frame, onScreen, shot.moire);
  let pixels = frame.data;
  if (shot.blur) pixels = await sharp(pixels, { raw: { width, height, channels: 1 } }).blur(shot.blur).toColourspace('b-w').raw().toBuffer();
  if (shot.glare) addGlare({ data: pixels, width, height }, shot.glare);
  if (shot.dim !== undefined) for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(pixels[i]! * shot.dim!);
  if (shot.noise) for (let i = 0; i < pixels.length; i++) pixels[i] = clamp(pixels[i]! + shot.noise * gaussian(random));
  const image = sharp(pixels, { raw: { width, height, channels: 1 } });
  return shot.jpeg === undefined ? image.png().toBuffer() : image.jpeg({ quality: shot.jpeg }).toBuffer();
}

/** The phone: a black body, a light (or dark) screen with an app bar and lines of text, the code in the middle. */
async function phoneScreen(payload: string, dark: boolean, fitWidth: boolean): Promise<GreyImage> {
  const { width, height, bezel, top } = PHONE;
  const scale = fitWidth ? Math.floor((width - 2 * bezel) / (qrSize(payload).modules + 8)) : 4;
  const { data: qr, info } = await sharp(await qrPng(payload, scale)).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const data = new Uint8Array(width * height).fill(20);
  const ground = dark ? 18 : 250;
  const ink = dark ? 200 : 60;
  const fill = (x0: number, y0: number, w: number, h: number, value: number) => {
    for (let y = y0; y < y0 + h; y++) data.fill(value, y * width + x0, y * width + x0 + w);
  };
  fill(bezel, top, width - 2 * bezel, height - 2 * top, ground);
  fill(bezel, top, width - 2 * bezel, 90, dark ? 45 : 215);
  const qx = (width - info.width) >> 1;
  const qy = top + 150;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) data[(qy + y) * width + qx + x] = qr[y * info.width + x]! < 128 ? (dark ? 235 : 0) : ground;
  }
  for (let line = 0; line < 4; line++) fill(bezel + 60, qy + info.height + 60 + line * 50, 380 - line * 60, 22, ink);
  return { data, width, height };
}

/** A desk under uneven light: a soft gradient with some texture. */
function desk(width: number, height: number): GreyImage {
  const data = new Uint8Array(width * height);
  const across = Float64Array.from({ length: width }, (_, x) => 95 + (45 * x) / width);
  const texture = Float64Array.from({ length: width }, (_, x) => 8 * Math.sin(x / 37));
  for (let y = 0; y < height; y++) {
    const down = (25 * y) / height;
    const s = Math.sin(y / 53);
    for (let x = 0; x < width; x++) data[y * width + x] = across[x]! + down + texture[x]! * s;
  }
  return { data, width, height };
}

/** Draws `src` into `frame` so that its corners land on `quad` (projective, bilinear), marking the pixels it covers. */
function warp(src: GreyImage, frame: GreyImage, covered: Uint8Array, quad: Quad): void {
  const toSource = homography(quad, [
    [0, 0],
    [src.width, 0],
    [src.width, src.height],
    [0, src.height],
  ]);
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const [x0, x1] = [Math.max(0, Math.floor(Math.min(...xs))), Math.min(frame.width, Math.ceil(Math.max(...xs)))];
  const [y0, y1] = [Math.max(0, Math.floor(Math.min(...ys))), Math.min(frame.height, Math.ceil(Math.max(...ys)))];
  const { data, width } = src;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const [u, v] = toSource(x + 0.5, y + 0.5);
      if (u < 0 || v < 0 || u >= src.width - 1 || v >= src.height - 1) continue;
      const ux = Math.floor(u);
      const vy = Math.floor(v);
      const fx = u - ux;
      const fy = v - vy;
      const i = vy * width + ux;
      const top = data[i]! * (1 - fx) + data[i + 1]! * fx;
      const bottom = data[i + width]! * (1 - fx) + data[i + width + 1]! * fx;
      frame.data[y * frame.width + x] = top * (1 - fy) + bottom * fy + 0.5;
      covered[y * frame.width + x] = 1;
    }
  }
}

/** The projective map taking from[i] to to[i] (four point pairs, solved by elimination). */
function homography(from: Point[], to: Point[]): (x: number, y: number) => Point {
  const rows: number[][] = [];
  from.forEach(([x, y], i) => {
    const [u, v] = to[i]!;
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  });
  for (let c = 0; c < 8; c++) {
    const pivot = rows.slice(c).reduce((best, row, i) => (Math.abs(row[c]!) > Math.abs(rows[best]![c]!) ? c + i : best), c);
    [rows[c], rows[pivot]] = [rows[pivot]!, rows[c]!];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = rows[r]![c]! / rows[c]![c]!;
      for (let k = c; k < 9; k++) rows[r]![k]! -= f * rows[c]![k]!;
    }
  }
  const h = rows.map((row, i) => row[8]! / row[i]!);
  const [a, b, c, d, e, f, g, k] = h as [number, number, number, number, number, number, number, number];
  return (x, y) => {
    const w = g * x + k * y + 1;
    return [(a * x + b * y + c) / w, (d * x + e * y + f) / w];
  };
}

/** Two gratings just off each other's pitch, as a screen's pixel grid beats with the sensor's, on the screen only. */
function addMoire(frame: GreyImage, onScreen: Uint8Array, amplitude: number): void {
  const grating = (fx: number, fy: number) => {
    const sx = Float64Array.from({ length: frame.width }, (_, x) => Math.sin(2 * Math.PI * fx * x));
    const cx = Float64Array.from({ length: frame.width }, (_, x) => Math.cos(2 * Math.PI * fx * x));
    return { sx, cx, fy };
  };
  const [g1, g2] = [grating(0.311, 0.029), grating(0.297, 0.041)];
  for (let y = 0; y < frame.height; y++) {
    const [s1, c1, s2, c2] = [Math.sin(2 * Math.PI * g1.fy * y), Math.cos(2 * Math.PI * g1.fy * y), Math.sin(2 * Math.PI * g2.fy * y), Math.cos(2 * Math.PI * g2.fy * y)];
    for (let x = 0; x < frame.width; x++) {
      const i = y * frame.width + x;
      if (onScreen[i] === 0) continue;
      // sin(a + b) = sin a cos b + cos a sin b, with the x parts from the tables
      const beat = (g1.sx[x]! * c1 + g1.cx[x]! * s1) * (g2.sx[x]! * c2 + g2.cx[x]! * s2);
      frame.data[i] = clamp(frame.data[i]! + amplitude * beat);
    }
  }
}

function addGlare({ data, width, height }: GreyImage, { x: gx, y: gy, radius, strength }: NonNullable<CameraShot['glare']>): void {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d2 = (x - gx) ** 2 + (y - gy) ** 2;
      data[y * width + x] = clamp(data[y * width + x]! + strength * Math.exp(-d2 / (2 * radius * radius)));
    }
  }
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
