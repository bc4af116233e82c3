/** `mleg serve`: the verification service until SIGTERM or SIGINT. */
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logger.js';
import { Service } from '../service.js';
import { logUncaught, startOrExit, stopOnSignals } from './lifecycle.js';
import { integerOption, parseCommand, UsageError } from './usage.js';

export async function serve(args: string[]): Promise<void> {
  const { values } = parseCommand(args, { config: { type: 'string', short: 'c' }, workers: { type: 'string', short: 'w' } });
  const config = loadConfig(values.config);
  const workers = integerOption(values.workers, '--workers');
  if (workers !== undefined) {
    if (workers < 1 || workers > 256) throw new UsageError('--workers must be from 1 to 256');
    config.workers = workers;
  }
  const log = createLogger(config.log.level);
  const service = new Service(config, log);
  logUncaught(log);
  const address = await startOrExit(service, config.http, log);
  log.info({ address: `${address.address}:${address.port}`, trust: config.trust.file, verifier_threads: service.verifier.pool?.size ?? 0 }, 'mleg is ready');
  stopOnSignals(service, log);
}
