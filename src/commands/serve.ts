/** `mleg serve`: the verification service until SIGTERM or SIGINT. */
import { loadConfig } from '../config/config.js';
import { buildApp } from '../http/app.js';
import { createLogger } from '../logger.js';
import { Verifier } from '../verifier.js';
import { parseCommand } from './usage.js';

const SHUTDOWN_LIMIT_MS = 5000;

export async function serve(args: string[]): Promise<void> {
  const { values } = parseCommand(args, { config: { type: 'string', short: 'c' } });
  const config = loadConfig(values.config);
  const log = createLogger(config.log.level);
  const verifier = new Verifier(config, log);
  verifier.start();
  let ready = false;
  const app = await buildApp({ verifier, log, bodyLimit: config.http.bodyLimitBytes, ready: () => ready, image: config.image });
  try {
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    process.stderr.write(`mleg: cannot listen on ${config.http.host}:${config.http.port} (${code})\n`);
    verifier.close();
    process.exit(1);
  }
  ready = true;
  log.info({ address: app.addresses(), trust: config.trust.file }, 'mleg is ready');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    ready = false;
    log.info({ signal }, 'stopping');
    setTimeout(() => {
      log.warn('shutdown took too long; exiting');
      log.flush();
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    app
      .close()
      .catch((err: Error) => log.error({ err: err.message }, 'error while closing'))
      .finally(() => {
        verifier.close();
        log.info('stopped');
        log.flush(() => process.exit(0));
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
