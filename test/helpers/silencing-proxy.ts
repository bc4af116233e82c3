/**
 * A TCP proxy in front of a test service that can make the event streams open through it
 * go silent, as a dead NAT mapping or a stuck Wi-Fi does: the sockets stay open and
 * nothing more arrives, so neither end sees an error.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface SilencingProxy {
  url: string;
  /** Event-stream requests (`GET /v1/…events`) seen so far. */
  readonly streamsOpened: number;
  /** From now on, the streams open now deliver nothing more; later connections are not touched. */
  silence(): void;
  close(): Promise<void>;
}

export async function silencingProxy(target: string): Promise<SilencingProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const streams = new Set<Socket>();
  const silenced = new WeakSet<Socket>();
  let streamsOpened = 0;
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      // A kept-alive connection may carry a page or two before the stream request.
      if (/^GET \/v1\/(display\/)?events/m.test(chunk.toString('latin1'))) {
        streams.add(upstream);
        streamsOpened++;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!silenced.has(upstream)) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get streamsOpened() {
      return streamsOpened;
    },
    silence() {
      for (const stream of streams) silenced.add(stream);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
