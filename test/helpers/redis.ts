/**
 * A real `redis-server` for tests and benchmarks: started on a free port of 127.0.0.1 with
 * nothing persisted (`--save "" --appendonly no`) in its own folder, optionally with a
 * password (`requirepass`); killed as a crash would (SIGKILL), restarted empty on the same
 * port, and stopped for good at the end. `npm test` provisions the binary
 * (test/system-tools.mjs: Debian's redis-server).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface TestRedis {
  port: number;
  /** redis://127.0.0.1:<port> (with the password when there is one); rediss:// with TLS. */
  url: string;
  /** With TLS: the CA certificate (PEM file) the server's certificate is signed by. */
  caFile: string | undefined;
  /** Whether the server process is running now. */
  readonly running: boolean;
  /** The server's process id (while it runs). */
  readonly pid: number | undefined;
  /** Sends one command and returns its reply (RESP2, decoded: string, number, null, array; an error reply throws). */
  command(...args: (string | number)[]): Promise<RespValue>;
  /** The same in database `db`. */
  commandIn(db: number, ...args: (string | number)[]): Promise<RespValue>;
  /** Every key of database `db` (default 0) and its value as text (strings: the value; hashes, streams, sorted sets: their fields and members). */
  dump(db?: number): Promise<Map<string, string>>;
  /** SIGKILL, as a crash: nothing is saved, clients see the connection reset. */
  kill(): Promise<void>;
  /** Starts again, empty, on the same port (after kill()). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export type RespValue = string | number | null | RespValue[];

export interface TestRedisOptions {
  password?: string;
  /** Serve TLS only (rediss://), with a certificate for 127.0.0.1 from a CA made for the test. */
  tls?: boolean;
}

interface Connection {
  port: number;
  password: string | undefined;
  ca: Buffer | undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function startRedis(o: TestRedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-redis-'));
  let port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const caFile = o.tls ? makeCertificates(dir) : undefined;
  const link = (): Connection => ({ port, password: o.password, ca: caFile === undefined ? undefined : readFileSync(caFile) });
  const launch = async (): Promise<void> => {
    const listen = o.tls
      ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', join(dir, 'server.pem'), '--tls-key-file', join(dir, 'server.key'), '--tls-ca-cert-file', caFile!, '--tls-auth-clients', 'no']
      : ['--port', String(port)];
    const args = [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'local', '--loglevel', 'warning'];
    if (o.password !== undefined) args.push('--requirepass', o.password);
    const started = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    started.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    started.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child = started;
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (started.exitCode !== null || started.signalCode !== null) throw new Error(`redis-server exited at start: ${output}`);
      try {
        await respCommand(link(), ['PING']);
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${port}: ${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };

  // A port found free may be taken before redis-server binds it: try another.
  for (let attempt = 0; ; attempt++) {
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
      port = await freePort();
    }
  }

  const kill = async (): Promise<void> => {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  };
  const auth = o.password === undefined ? '' : `:${encodeURIComponent(o.password)}@`;
  return {
    port,
    url: `${o.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    caFile,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    get pid() {
      return child?.pid;
    },
    command: (...args) => respCommand(link(), args.map(String)),
    commandIn: (db, ...args) => respCommand(link(), args.map(String), db),
    dump: (db = 0) => dumpAll(link(), db),
    kill,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One command on a connection of its own (AUTH and SELECT first when needed), RESP2. */
export function respCommand(c: Connection, args: string[], db = 0): Promise<RespValue> {
  const commands = [...(c.password === undefined ? [] : [['AUTH', c.password]]), ...(db === 0 ? [] : [['SELECT', String(db)]]), args];
  return new Promise((resolve, reject) => {
    const socket: Socket = c.ca === undefined ? connectTcp(c.port, '127.0.0.1') : connectTls({ port: c.port, host: '127.0.0.1', ca: c.ca, servername: 'localhost' });
    socket.setTimeout(10_000, () => socket.destroy(new Error('redis: no answer within 10 s')));
    let buffer = Buffer.alloc(0);
    const replies: RespValue[] = [];
    let failed: Error | undefined;
    socket.on(c.ca === undefined ? 'connect' : 'secureConnect', () => socket.write(commands.map(encode).join('')));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parse(buffer, 0);
        if (parsed === undefined) return;
        buffer = buffer.subarray(parsed.end);
        if (parsed.error !== undefined) failed ??= new Error(parsed.error);
        replies.push(parsed.value);
        if (replies.length === commands.length) {
          socket.end();
          if (failed !== undefined) reject(failed);
          else resolve(replies[replies.length - 1]!);
          return;
        }
      }
    });
    socket.on('error', reject);
  });
}

function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

interface Parsed {
  value: RespValue;
  end: number;
  error?: string;
}

function parse(buffer: Buffer, at: number): Parsed | undefined {
  const lineEnd = buffer.indexOf('\r\n', at);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[at]!);
  const line = buffer.toString('utf8', at + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: null, end: next, error: line };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let end = next;
      let error: string | undefined;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, end);
        if (item === undefined) return undefined;
        items.push(item.value);
        error ??= item.error;
        end = item.end;
      }
      return error === undefined ? { value: items, end } : { value: items, end, error };
    }
    default:
      throw new Error(`redis: unexpected reply type ${JSON.stringify(type)}`);
  }
}

async function dumpAll(c: Connection, db: number): Promise<Map<string, string>> {
  const run = (...args: string[]) => respCommand(c, args, db);
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = (await run('SCAN', cursor, 'COUNT', '1000')) as [string, string[]];
    cursor = next;
    for (const key of keys) {
      const type = (await run('TYPE', key)) as string;
      const value =
        type === 'string'
          ? await run('GET', key)
          : type === 'hash'
            ? await run('HGETALL', key)
            : type === 'zset'
              ? await run('ZRANGE', key, '0', '-1', 'WITHSCORES')
              : type === 'stream'
                ? await run('XRANGE', key, '-', '+')
                : type === 'set'
                  ? await run('SMEMBERS', key)
                  : type === 'list'
                    ? await run('LRANGE', key, '0', '-1')
                    : type;
      out.set(key, JSON.stringify(value));
    }
  } while (cursor !== '0');
  return out;
}

/** A CA and a certificate for 127.0.0.1 / localhost signed by it, made with openssl in `dir`; the CA's file. */
function makeCertificates(dir: string): string {
  const openssl = (...args: string[]) => {
    const run = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`openssl ${args[0]} failed: ${run.stderr}`);
  };
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=mleg test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  const ext = join(dir, 'server.ext');
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', ext, '-out', 'server.pem');
  return join(dir, 'ca.pem');
}
