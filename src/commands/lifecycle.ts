/** How a service command (`mleg serve`, `mleg issuer serve`) ends: SIGTERM or SIGINT, a graceful stop, exit 0 within 5 s. */
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';

interface Startable {
  start(): Promise<AddressInfo>;
  stop(): Promise<void>;
}

/** Starts `service`, or says on standard error why it cannot listen and exits 1. */
export async function startOrExit(service: Startable, http: { host: string; port: number }, log: Logger): Promise<AddressInfo> {
  try {
    return await service.start();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    process.stderr.write(`mleg: cannot listen on ${http.host}:${http.port} (${code})\n`);
    await service.stop();
    log.flush();
    process.exit(1);
  }
}

/** Longest a stop may take before the process exits anyway. */
export const SHUTDOWN_LIMIT_MS = 5000;

export function stopOnSignals(service: { stop(): Promise<void> }, log: Logger): void {
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

/** Faults outside any request are logged, not fatal. */
export function logUncaught(log: Logger): void {
  process.on('uncaughtException', (err) => log.error({ err: { type: err.name, message: err.message, stack: err.stack } }, 'uncaught exception'));
  process.on('unhandledRejection', (err) => log.error({ err: String(err) }, 'unhandled rejection'));
}
