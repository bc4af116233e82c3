#!/usr/bin/env node
/** The `mleg` command. Exit codes: 0 success (or VALID), 1 failure (or another verdict), 2 usage or configuration error. */
import { MlegError } from './errors.js';
import { demoCommand } from './commands/demo.js';
import { devicesCommand } from './commands/devices.js';
import { issuerCommand } from './commands/issuer.js';
import { scanImageCommand } from './commands/scan-image.js';
import { scanCommand } from './commands/scan.js';
import { serve } from './commands/serve.js';
import { USAGE, USAGE_HINT, UsageError } from './commands/usage.js';
import { verifyCommand } from './commands/verify.js';
import { walletCommand } from './commands/wallet.js';

async function main([command, ...args]: string[]): Promise<number | undefined> {
  switch (command) {
    case 'serve':
      await serve(args);
      return undefined; // keeps running
    case 'verify':
      return verifyCommand(args);
    case 'scan-image':
      return scanImageCommand(args);
    case 'demo':
      return demoCommand(args);
    case 'devices':
      return devicesCommand(args);
    case 'scan':
      return scanCommand(args);
    case 'issuer':
      return issuerCommand(args);
    case 'wallet':
      return walletCommand(args);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`mleg: ${err.message}\n`);
    if (err instanceof UsageError) process.stderr.write(USAGE_HINT);
    process.exitCode = err instanceof MlegError ? err.exit : 1;
  },
);
