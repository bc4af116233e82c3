/** `mleg issuer serve --config FILE`: the issuing service (SPEC 10) until SIGTERM or SIGINT. */
import { loadIssuanceConfig } from '../issuance/config.js';
import { IssuanceService } from '../issuance/service.js';
import { createLogger } from '../logger.js';
import { logUncaught, startOrExit, stopOnSignals } from './lifecycle.js';
import { parseCommand, required } from './usage.js';

export async function issuerServe(args: string[]): Promise<undefined> {
  const { values } = parseCommand(args, { config: { type: 'string', short: 'c' } });
  const config = loadIssuanceConfig(required(values.config, '--config'));
  const log = createLogger(config.log.level);
  const service = new IssuanceService(config, log);
  logUncaught(log);
  const address = await startOrExit(service, config.http, log);
  log.info({ address: `${address.address}:${address.port}`, issuer: config.issuer.url, database: config.database.file, admin: config.admin.token !== null }, 'mleg issuer is ready');
  stopOnSignals(service, log);
  return undefined;
}
