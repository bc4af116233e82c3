/**
 * `mleg scan`: opens the configured scanners (no gate relays) and prints each read and its
 * verdict, for setting up a station. Until Ctrl-C. Prints verdicts and reasons, never the
 * holder's data.
 */
import { pino } from 'pino';
import { Terminal } from '../act/terminal.js';
import { loadConfig } from '../config/config.js';
import { resolveTerminalPlan } from '../devices/terminal-plan.js';
import { EventBus } from '../events/event-bus.js';
import { createLogger } from '../logger.js';
import { Verifier } from '../verifier.js';
import { parseCommand, UsageError } from './usage.js';

export async function scanCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, { config: { type: 'string', short: 'c' }, scanner: { type: 'string', multiple: true } });
  const config = loadConfig(values.config);
  if (config.scanners.length === 0) throw new UsageError('the configuration has no "scanners": add one (see mleg devices)');
  const unknown = (values.scanner ?? []).filter((id) => !config.scanners.some((s) => s.id === id));
  if (unknown.length > 0) throw new UsageError(`no scanner "${unknown[0]}" in the configuration (it has: ${config.scanners.map((s) => s.id).join(', ')})`);
  const log = createLogger(config.log.level === 'info' ? 'warn' : config.log.level, pino.destination({ fd: 2, sync: true }));
  const verifier = new Verifier({ ...config, trust: { ...config.trust, watch: false } }, log);
  verifier.start();
  const bus = new EventBus();
  const print = (scanner: string, text: string) => process.stdout.write(`${new Date().toISOString().slice(11, 23)}  ${scanner}  ${text}\n`);
  bus.subscribe((event) => {
    if (event.type === 'scanner') {
      const d = event.data;
      print(d.scanner, d.state === 'connected' ? 'connected' : `not connected: ${d.reason ?? ''}`);
    } else {
      const { scanner, result } = event.data;
      const doc = result.credential === null ? '' : `  [${result.credential.issuer} ${result.credential.doc}]`;
      print(scanner, `${result.verdict}  ${result.reason}${doc}`);
    }
  });
  const terminal = new Terminal({
    plan: resolveTerminalPlan(config, config.source),
    verifier,
    bus,
    log,
    outputs: false,
    ...(values.scanner === undefined ? {} : { only: values.scanner }),
    onDoubleRead: (scanner) => print(scanner.id, 'double read (dropped by debounce)'),
  });
  terminal.start();
  process.stdout.write(`mleg scan: reading ${values.scanner?.join(', ') ?? config.scanners.map((s) => s.id).join(', ')}; no gate outputs; Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await terminal.stop();
  verifier.close();
  return 0;
}
