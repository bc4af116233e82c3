/**
 * `mleg issuer operator add|passwd|remove|list NAME --config FILE`: the school staff who
 * log in to the portal, kept in the issuing database (also while the service runs). The
 * password is asked on the terminal without echo (twice), or read from `--password-file FILE`
 * (its first line; `-` for standard input).
 */
import { readFileSync } from 'node:fs';
import { MlegError } from '../errors.js';
import { loadIssuanceConfig } from '../issuance/config.js';
import { formatTime } from '../issuance/portal/format.js';
import { addOperator, removeOperator, setOperatorPassword } from '../issuance/portal/operators.js';
import { SqlitePortalStore } from '../issuance/portal/sqlite-portal-store.js';
import { openSqliteStore } from '../issuance/sqlite-store.js';
import { createLogger } from '../logger.js';
import { parseCommand, required, UsageError } from './usage.js';

export async function operatorCommand([sub, ...args]: string[]): Promise<number> {
  if (sub !== 'add' && sub !== 'passwd' && sub !== 'remove' && sub !== 'list') {
    throw new UsageError(`unknown operator command ${JSON.stringify(sub ?? '')}; use add, passwd, remove or list`);
  }
  const { values: v, positionals } = parseCommand(args, { config: { type: 'string', short: 'c' }, 'password-file': { type: 'string' } }, true);
  const config = loadIssuanceConfig(required(v.config, '--config'));
  if (sub === 'list' ? positionals.length > 0 : positionals.length !== 1) throw new UsageError(sub === 'list' ? 'operator list takes no NAME' : `give one operator NAME: mleg issuer operator ${sub} NAME --config FILE`);
  if (v['password-file'] !== undefined && sub !== 'add' && sub !== 'passwd') throw new UsageError(`--password-file is for add and passwd`);
  const name = positionals[0] ?? '';
  // Passwords first, so that a cancelled prompt leaves the database untouched.
  const password = sub === 'add' || sub === 'passwd' ? await newPassword(name, v['password-file']) : '';
  const store = openSqliteStore({ file: config.database.file, log: createLogger('warn', process.stderr), listSize: config.status.listSize });
  try {
    const operators = new SqlitePortalStore(store.database);
    const now = Date.now();
    switch (sub) {
      case 'add':
        await addOperator(operators, name, password, now);
        process.stderr.write(`operator ${name.toLowerCase()} added; they log in at ${config.issuer.url}/portal/\n`);
        break;
      case 'passwd':
        await setOperatorPassword(operators, name, password, now);
        process.stderr.write(`operator ${name.toLowerCase()}: new password set; their sessions are ended and a lock lifted\n`);
        break;
      case 'remove':
        await removeOperator(operators, name, now);
        process.stderr.write(`operator ${name.toLowerCase()} removed; their sessions are ended (the audit table keeps their name)\n`);
        break;
      case 'list':
        for (const o of await operators.listOperators(now)) {
          const state = [o.locked_until === null ? '' : `locked until ${formatTime(o.locked_until, 'en')}`, o.failed_logins > 0 ? `${o.failed_logins} failed logins` : '', `${o.sessions} session${o.sessions === 1 ? '' : 's'}`];
          process.stdout.write(`${o.name}\tadded ${formatTime(o.created_at, 'en')}\tlast login ${o.last_login_at === null ? 'never' : formatTime(o.last_login_at, 'en')}\t${state.filter((s) => s !== '').join(', ')}\n`);
        }
        break;
    }
  } finally {
    store.close();
  }
  return 0;
}

/** The new password: from the file (its first line), standard input (`-`), or asked twice on the terminal. */
async function newPassword(name: string, file: string | undefined): Promise<string> {
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (err) {
      throw new UsageError(`--password-file ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    return text.split(/\r?\n/)[0] ?? '';
  }
  if (!process.stdin.isTTY) throw new UsageError('no terminal to ask the password on: give --password-file FILE (or - to read it from standard input)');
  const first = await askHidden(`new password for ${name.toLowerCase()}: `);
  const second = await askHidden('the same again: ');
  if (first !== second) throw new MlegError('PASSWORD_REJECTED', 'the two passwords differ');
  return first;
}

/** A line typed on the terminal without echo (Backspace and Ctrl-U edit it; Ctrl-C or Ctrl-D cancel). */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(), resolve(value);
        if (ch === '\u0003' || ch === '\u0004') return finish(), reject(new UsageError('cancelled; nothing was changed'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
