/** QR images of presentations: a PNG file, or drawn in the terminal. */
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

export function qrForTerminal(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'terminal', small: true });
}
