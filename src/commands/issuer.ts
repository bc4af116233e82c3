/** `mleg issuer …`: keys, credentials, revocations and status lists for an issuer's folder. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { isStatusBits } from '../status/status-bits.js';
import { createIssuerDir, issueRecords, publishStatusList, setStatuses, type IssueFormat } from '../issuer/issuer-dir.js';
import { readRecords } from '../issuer/records.js';
import { backupDatabase } from '../issuance/backup.js';
import { loadIssuanceConfig } from '../issuance/config.js';
import { issuerServe } from './issuer-serve.js';
import { algOption, integerOption, parseCommand, required, UsageError } from './usage.js';

export function issuerCommand([sub, ...args]: string[]): number | Promise<number | undefined> {
  switch (sub) {
    case 'serve':
      return issuerServe(args); // keeps running
    case 'backup':
      return backup(args);
    case 'keygen':
      return keygen(args);
    case 'issue':
      return issue(args);
    case 'revoke':
      return revoke(args);
    case 'status-list':
      return statusList(args);
    default:
      throw new UsageError(`unknown issuer command ${JSON.stringify(sub ?? '')}; use serve, backup, keygen, issue, revoke or status-list`);
  }
}

async function backup(args: string[]): Promise<number> {
  const { values: v } = parseCommand(args, { config: { type: 'string', short: 'c' }, out: { type: 'string' } });
  const config = loadIssuanceConfig(required(v.config, '--config'));
  const out = required(v.out, '--out');
  const { pages } = await backupDatabase(config.database.file, out);
  process.stderr.write(`${config.database.file} backed up to ${out} (${pages} pages, mode 0600); keep it as safe as the database: it holds the students' records\n`);
  return 0;
}

function keygen(args: string[]): number {
  const { values: v } = parseCommand(args, {
    dir: { type: 'string' },
    iss: { type: 'string' },
    kid: { type: 'string' },
    alg: { type: 'string' },
    name: { type: 'string' },
    'status-uri': { type: 'string' },
    'status-bits': { type: 'string', default: '2' },
    'status-size': { type: 'string', default: '100000' },
  });
  const bits = Number(v['status-bits']);
  if (!isStatusBits(bits)) throw new UsageError('--status-bits must be 1, 2, 4 or 8');
  const dir = required(v.dir, '--dir');
  const { trustList } = createIssuerDir(dir, {
    iss: required(v.iss, '--iss'),
    kid: required(v.kid, '--kid'),
    alg: algOption(v.alg),
    ...(v.name !== undefined ? { name: v.name } : {}),
    statusUri: required(v['status-uri'], '--status-uri'),
    statusBits: bits,
    statusSize: integerOption(v['status-size'], '--status-size')!,
  });
  process.stdout.write(`${readFileSync(trustList, 'utf8')}`);
  process.stderr.write(`issuer key written to ${dir}; the trust-list entry above is in ${trustList}\n`);
  return 0;
}

function issue(args: string[]): number {
  const { values: v } = parseCommand(args, {
    dir: { type: 'string' },
    records: { type: 'string' },
    device: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string', default: 'mleg1' },
  });
  const format = v.format as IssueFormat;
  if (format !== 'mleg1' && format !== 'mleg2' && format !== 'both') throw new UsageError(`--format must be mleg1, mleg2 or both, not ${JSON.stringify(v.format)}`);
  const dir = required(v.dir, '--dir');
  const records = readRecords(required(v.records, '--records'));
  const device = v.device === undefined ? undefined : (JSON.parse(readFileSync(v.device, 'utf8')) as JWK);
  const out = v.out ?? join(dir, 'credentials');
  mkdirSync(out, { recursive: true });
  // One line per file written: the MLEG1 credential as its JWS text, the MLEG2 one as base64url of its COSE bytes.
  for (const c of issueRecords(dir, records, device, undefined, format)) {
    for (const [kind, text, ext] of [
      ['mleg1', c.credential, 'jwt'],
      ['mleg2', c.compact?.toString('base64url'), 'cose'],
    ] as const) {
      if (text === undefined) continue;
      const file = join(out, `${c.jti}.${ext}`);
      writeFileSync(file, `${text}\n`);
      process.stdout.write(`${JSON.stringify({ jti: c.jti, idx: c.idx, format: kind, file })}\n`);
    }
  }
  return 0;
}

function revoke(args: string[]): number {
  const { values: v, positionals } = parseCommand(
    args,
    { dir: { type: 'string' }, suspend: { type: 'boolean' }, reinstate: { type: 'boolean' } },
    true,
  );
  if (v.suspend && v.reinstate) throw new UsageError('give --suspend or --reinstate, not both');
  if (positionals.length === 0) throw new UsageError('give at least one status INDEX');
  const indexes = positionals.map((p) => integerOption(p, 'INDEX')!);
  setStatuses(required(v.dir, '--dir'), indexes, v.suspend ? 'suspend' : v.reinstate ? 'reinstate' : 'revoke');
  process.stderr.write(`updated ${indexes.length} status entr${indexes.length === 1 ? 'y' : 'ies'}; publish with "mleg issuer status-list"\n`);
  return 0;
}

function statusList(args: string[]): number {
  const { values: v } = parseCommand(args, {
    dir: { type: 'string' },
    out: { type: 'string' },
    ttl: { type: 'string' },
    'valid-for': { type: 'string' },
  });
  const ttl = integerOption(v.ttl, '--ttl');
  const validFor = integerOption(v['valid-for'], '--valid-for');
  const token = publishStatusList(required(v.dir, '--dir'), {
    ...(ttl !== undefined ? { ttl } : {}),
    ...(validFor !== undefined ? { validForSeconds: validFor } : {}),
  });
  writeFileSync(required(v.out, '--out'), `${token}\n`);
  return 0;
}
