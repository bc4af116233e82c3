#!/usr/bin/env node
/**
 * The `mleg` command. Exit codes: 0 success (or VALID), 1 failure (or another verdict), 2
 * usage or configuration error. Each command's modules are loaded when it is run: `mleg
 * serve` does not load the issuer's, the wallet's or the image tools' (QR drawing, sharp),
 * a good part of a gate's start (bench/results/findings.md, "modules loaded at start").
 */
import { MlegError } from './errors.js';
import { USAGE, USAGE_HINT, UsageError } from './commands/usage.js';

async function main([command, ...args]: string[]): Promise<number | undefined> {
  switch (command) {
    case 'serve':
      await (await import('./commands/serve.js')).serve(args);
      return undefined; // keeps running
    case 'verify':
      return (await import('./commands/verify.js')).verifyCommand(args);
    case 'scan-image':
      return (await import('./commands/scan-image.js')).scanImageCommand(args);
    case 'demo':
      return (await import('./commands/demo.js')).demoCommand(args);
    case 'devices':
      return (await import('./commands/devices.js')).devicesCommand(args);
    case 'scan':
      return (await import('./commands/scan.js')).scanCommand(args);
    case 'issuer':
      return (await import('./commands/issuer.js')).issuerCommand(args);
    case 'wallet':
      return (await import('./commands/wallet.js')).walletCommand(args);
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
