/** QR images of presentations: a PNG file, or drawn in the terminal. */
import QRCode from 'qrcode';

const OPTIONS = { errorCorrectionLevel: 'M' } as const;

export async function writeQrPng(text: string, file: string, scale = 4): Promise<void> {
  await QRCode.toFile(file, text, { ...OPTIONS, type: 'png', scale, margin: 4 });
}

export function qrForTerminal(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'terminal', small: true });
}
