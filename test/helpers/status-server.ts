/** A status list server for tests: real HTTP on 127.0.0.1, programmable per path, counting requests. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export class StatusServer {
  readonly hits = new Map<string, number>();
  readonly accepts: string[] = [];
  readonly #routes = new Map<string, Handler>();
  #server!: Server;
  base = '';

  static async start(): Promise<StatusServer> {
    const s = new StatusServer();
    s.#server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      s.hits.set(path, (s.hits.get(path) ?? 0) + 1);
      s.accepts.push(String(req.headers.accept));
      const route = s.#routes.get(path);
      if (route === undefined) {
        res.writeHead(404).end('not found');
        return;
      }
      route(req, res);
    });
    await new Promise<void>((resolve) => s.#server.listen(0, '127.0.0.1', resolve));
    s.base = `http://127.0.0.1:${(s.#server.address() as AddressInfo).port}`;
    return s;
  }

  /** Serves `token` at `path` (replacing whatever was there). */
  token(path: string, token: string | (() => string)): string {
    this.#routes.set(path, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/statuslist+jwt' }).end(typeof token === 'string' ? token : token());
    });
    return `${this.base}${path}`;
  }

  route(path: string, handler: Handler): string {
    this.#routes.set(path, handler);
    return `${this.base}${path}`;
  }

  hitsOf(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
