/** `mleg serve`: the verification service until SIGTERM or SIGINT. */
import { loadConfig, WORKERS } from '../config/config.js';
import { createLogger } from '../logger.js';
import { Service } from '../service.js';
import { logUncaught, startOrExit, stopOnSignals } from './lifecycle.js';
import { integerOption, parseCommand, required, UsageError } from './usage.js';

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
  logUncaught(log);
  const address = await startOrExit(service, config.http, log);
  log.info({ address: `${address.address}:${address.port}`, trust: config.trust.file, verifier_threads: service.verifier.pool?.size ?? 0 }, 'mleg is ready');
  stopOnSignals(service, log);
}
