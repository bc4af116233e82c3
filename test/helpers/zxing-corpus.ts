/**
 * The ZXing QR blackbox images (test/fixtures/zxing-qrcode): each image with the text it
 * holds. Texts compare with line endings normalised, as the corpus's NOTICE says.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = fileURLToPath(new URL('../fixtures/zxing-qrcode/', import.meta.url));

export interface CorpusImage {
  /** e.g. qrcode-5/19.png */
  name: string;
  bytes: Buffer;
  expected: string;
}

export function readCorpus(): CorpusImage[] {
  return readdirSync(CORPUS_DIR)
    .filter((folder) => folder.startsWith('qrcode-'))
    .sort()
    .flatMap((folder) =>
      readdirSync(`${CORPUS_DIR}${folder}`)
        .filter((file) => /\.(png|jpe?g)$/.test(file))
        .sort()
        .map((file) => ({
          name: `${folder}/${file}`,
          bytes: readFileSync(`${CORPUS_DIR}${folder}/${file}`),
          expected: readFileSync(`${CORPUS_DIR}${folder}/${file.replace(/\.\w+$/, '.txt')}`, 'utf8'),
        })),
    );
}

/** True when one of the texts read is the expected one (CRLF and LF alike). */
export function wasRead(texts: string[], expected: string): boolean {
  const lf = (s: string) => s.replace(/\r\n/g, '\n');
  return texts.some((t) => lf(t) === lf(expected));
}
