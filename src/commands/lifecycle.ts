/** How a service command (`mleg serve`, `mleg issuer serve`) ends: SIGTERM or SIGINT, a graceful stop, exit 0 within 5 s. */
import type { Logger } from '../logger.js';

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
