/** `mleg verify`: one payload, one result as JSON; exit 0 VALID, 1 other verdicts. */
import { pino } from 'pino';
import { loadConfig, type Config } from '../config/config.js';
import { createLogger } from '../logger.js';
import { Verifier } from '../verifier.js';
import { parseCommand, UsageError } from './usage.js';

export async function verifyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { config: { type: 'string', short: 'c' } }, true);
  if (positionals.length !== 1) throw new UsageError('give exactly one PAYLOAD, or - to read it from standard input');
  const config = loadConfig(values.config);
  const payload = positionals[0] === '-' ? await readStdin() : positionals[0]!;
  const verifier = commandVerifier(config);
  try {
    const result = await verifier.verify(payload, 'cli');
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return result.valid ? 0 : 1;
  } finally {
    verifier.close();
  }
}

/** A started Verifier for a command that runs once: warnings and errors to stderr, the trust list not watched. */
export function commandVerifier(config: Config): Verifier {
  const log = createLogger(config.log.level === 'info' ? 'warn' : config.log.level, pino.destination({ fd: 2, sync: true }));
  const verifier = new Verifier({ ...config, trust: { ...config.trust, watch: false } }, log);
  verifier.start();
  return verifier;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
