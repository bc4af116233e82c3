/** `mleg serve`: the verification service until SIGTERM or SIGINT. */
import { loadConfig, WORKERS } from '../config/config.js';
import { createLogger } from '../logger.js';
import { Service } from '../service.js';
import { integerOption, parseCommand, required, UsageError } from './usage.js';

/** Longest a stop may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 5000;

export async function serve(args: string[]): Promise<void> {
  const { values } = parseCommand(args, {
    config: { type: 'string', short: 'c' },
    workers: { type: 'string', short: 'w' },
    host: { type: 'string' },
    port: { type: 'string', short: 'p' },
  });
  const config = loadConfig(values.config);
  const workers = integerOption(values.workers, '--workers');
  if (workers !== undefined) {
    if (workers < WORKERS.min || workers > WORKERS.max) throw new UsageError(`--workers must be from ${WORKERS.min} to ${WORKERS.max}`);
    config.workers = workers;
  }
  // Where to listen, over the config's http.host / http.port (a unit file or a second lane's instance).
  if (values.host !== undefined) config.http.host = required(values.host, '--host');
  const port = integerOption(values.port, '--port');
  if (port !== undefined) {
    if (port > 65535) throw new UsageError('--port must be from 0 to 65535');
    config.http.port = port;
  }
  const log = createLogger(config.log.level);
  const service = new Service(config, log);
  process.on('uncaughtException', (err) => log.error({ err: { type: err.name, message: err.message, stack: err.stack } }, 'uncaught exception'));
  process.on('unhandledRejection', (err) => log.error({ err: String(err) }, 'unhandled rejection'));
  try {
    const address = await service.start();
    log.info({ address: `${address.address}:${address.port}`, trust: config.trust.file, verifier_threads: service.verifier.pool?.size ?? 0 }, 'mleg is ready');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    process.stderr.write(`mleg: cannot listen on ${config.http.host}:${config.http.port} (${code})\n`);
    await service.stop();
    log.flush();
    process.exit(1);
  }
  const stop = (signal: string): void => {
    log.info({ signal }, 'stopping');
    setTimeout(() => {
      log.warn('stopping took too long; exiting');
      log.flush();
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    void service.stop().finally(() => {
      log.info('stopped');
      log.flush(() => process.exit(0));
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
