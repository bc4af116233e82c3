/** `mleg issuer serve --config FILE`: the issuing service (SPEC 10) until SIGTERM or SIGINT. */
import { loadIssuanceConfig } from '../issuance/config.js';
import { IssuanceService } from '../issuance/service.js';
import { createLogger } from '../logger.js';
import { logUncaught, stopOnSignals } from './lifecycle.js';
import { parseCommand, required } from './usage.js';

export async function issuerServe(args: string[]): Promise<undefined> {
  const { values } = parseCommand(args, { config: { type: 'string', short: 'c' } });
  const config = loadIssuanceConfig(required(values.config, '--config'));
  const log = createLogger(config.log.level);
  const service = new IssuanceService(config, log);
  logUncaught(log);
  try {
    const address = await service.start();
    log.info({ address: `${address.address}:${address.port}`, issuer: config.issuer.url, database: config.database.file, admin: config.admin.token !== null }, 'mleg issuer is ready');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    process.stderr.write(`mleg: cannot listen on ${config.http.host}:${config.http.port} (${code})\n`);
    await service.stop();
    log.flush();
    process.exit(1);
  }
  stopOnSignals(service, log);
  return undefined;
}
