/** A Server-Sent Events client for tests: a real HTTP connection, events parsed as they arrive. */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  response!: IncomingMessage;
  ended = false;
  #req!: ClientRequest;
  #buffer = '';
  #waiters: (() => void)[] = [];

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      client.#req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        client.response = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.#feed(chunk));
        res.on('end', () => client.#end());
        res.on('close', () => client.#end());
        resolve(client);
      });
      client.#req.on('error', (err) => (client.response === undefined ? reject(err) : client.#end()));
      client.#req.end();
    });
  }

  /** Waits until `predicate` holds (checked on every arrival), or fails after `ms`. */
  async until(predicate: (c: SseClient) => boolean, ms = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`SSE: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  data<T = unknown>(event = 'scan'): T[] {
    return this.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as T);
  }

  close(): void {
    this.#req.destroy();
  }

  #feed(chunk: string): void {
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const event: SseEvent = { event: 'message', data: '' };
      const data: string[] = [];
      let isEvent = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('data:')) (data.push(line.slice(5).trimStart()), (isEvent = true));
        else if (line.startsWith('event:')) event.event = line.slice(6).trim();
        else if (line.startsWith('id:')) event.id = line.slice(3).trim();
      }
      if (isEvent) this.events.push({ ...event, data: data.join('\n') });
    }
    this.#wake();
  }

  #end(): void {
    this.ended = true;
    this.#wake();
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}
