/**
 * `mleg scan-image FILE…`: the codes in camera pictures and their verdicts, one line per
 * code (or, with --json, one JSON line per file with the full results). For an installer
 * checking what a camera sees. Exit 0 when at least one code was found and every code
 * found is VALID; 1 otherwise; 2 for a usage or configuration error or an unreadable file.
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config/config.js';
import { ImageDecoder } from '../scan/image/decode-image.js';
import { ImageError } from '../scan/image/image-error.js';
import type { VerifyResult } from '../verify/result.js';
import { parseCommand, UsageError } from './usage.js';
import { commandVerifier } from './verify.js';

export async function scanImageCommand(args: string[]): Promise<number> {
  const { values, positionals: files } = parseCommand(args, { config: { type: 'string', short: 'c' }, json: { type: 'boolean' } }, true);
  if (files.length === 0) throw new UsageError('give at least one image FILE');
  const config = loadConfig(values.config);
  const images = files.map((file) => ({ file, bytes: readImageFile(file) }));
  const verifier = commandVerifier(config);
  const decoder = new ImageDecoder(config.image);
  let found = 0;
  let allValid = true;
  try {
    for (const { file, bytes } of images) {
      let results: VerifyResult[];
      try {
        const { codes } = await decoder.decode(bytes);
        results = [];
        for (const { text } of codes) results.push(await verifier.verify(text, 'cli'));
      } catch (err) {
        if (!(err instanceof ImageError)) throw err;
        allValid = false;
        process.stdout.write(values.json ? `${JSON.stringify({ file, error: err.code, message: err.message })}\n` : `${file}: ${err.message}\n`);
        continue;
      }
      found += results.length;
      allValid &&= results.every((r) => r.valid);
      if (values.json) process.stdout.write(`${JSON.stringify({ file, results })}\n`);
      else if (results.length === 0) process.stdout.write(`${file}: no QR code found\n`);
      else results.forEach((r, i) => process.stdout.write(`${file}${results.length > 1 ? ` #${i + 1}` : ''}: ${r.verdict} (${r.reason})\n`));
    }
  } finally {
    await decoder.close();
    verifier.close();
  }
  return found > 0 && allValid ? 0 : 1;
}

function readImageFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
