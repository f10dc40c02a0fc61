/**
 * HTTP load clients on a keep-alive `http.Agent`: SSE streams that count events (a blank line ends one;
 * nothing is parsed) and long polls that re-poll from the cursor of each answer.
 */
import { Agent, type ClientRequest, get, type IncomingMessage, request } from 'node:http';
import { CONNECT_CONCURRENCY, Counter, forEachLimited, sourceAddress } from './counter.ts';

const OPEN_TIMEOUT_MS = 30_000;
const NEWLINE = 10;

export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/** GET or POST with a JSON answer, on the agent. */
export function fetchJson(agent: Agent, url: string, body?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const options = {
      agent,
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
    };
    const outgoing = request(url, options, (response) => {
      readAll(response).then((text) => {
        if ((response.statusCode ?? 0) >= 300) reject(new Error(`${url}: ${response.statusCode} ${text}`));
        else resolve(JSON.parse(text));
      }, reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export function cursorOf(answer: unknown): string {
  const cursor = (answer as { cursor?: unknown } | null)?.cursor;
  if (typeof cursor !== 'string') throw new Error(`no cursor in ${JSON.stringify(answer)}`);
  return cursor;
}

let published = 0;

/** Publishes one chat message (POST) and resolves when the server answered. */
export async function publish(agent: Agent, url: string): Promise<void> {
  published += 1;
  await fetchJson(
    agent,
    url,
    JSON.stringify({ id: `p-${published}`, from: 'publisher', text: `published number ${published}` }),
  );
}

export class SseStreams {
  readonly agent = keepAliveAgent();
  /** Events (blank-line terminated blocks) received by all streams together, `retry:` included. */
  readonly events = new Counter();
  readonly #requests: ClientRequest[] = [];

  /** Opens `count` streams and resolves when each has its `retry:` and `resume` events. */
  static async open(url: (index: number) => string, count: number): Promise<SseStreams> {
    const streams = new SseStreams();
    const opened = new Counter();
    try {
      await forEachLimited(count, CONNECT_CONCURRENCY, (index) => streams.#open(url(index), index, opened));
      await opened.reach(count, OPEN_TIMEOUT_MS, 'SSE streams with their resume event');
    } catch (error) {
      streams.destroy();
      throw error;
    }
    return streams;
  }

  #open(url: string, index: number, opened: Counter): Promise<void> {
    return new Promise((resolve, reject) => {
      const outgoing = get(url, { agent: this.agent, localAddress: sourceAddress(index) }, (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`${url}: status ${response.statusCode}`));
          return;
        }
        let seen = 0;
        let lastByte = 0;
        response.on('data', (chunk: Buffer) => {
          let events = 0;
          let previous = lastByte;
          for (let at = chunk.indexOf(NEWLINE); at >= 0; at = chunk.indexOf(NEWLINE, at + 1)) {
            if ((at === 0 ? previous : chunk[at - 1]) === NEWLINE) events += 1;
            previous = NEWLINE;
          }
          lastByte = chunk[chunk.length - 1] ?? lastByte;
          if (events === 0) return;
          seen += events;
          this.events.add(events);
          // retry + resume: the stream is live.
          if (seen - events < 2 && seen >= 2) opened.add();
        });
        response.on('error', () => {});
        resolve();
      });
      this.#requests.push(outgoing);
      outgoing.on('error', reject);
    });
  }

  destroy(): void {
    for (const outgoing of this.#requests) outgoing.destroy();
    this.agent.destroy();
  }
}

export class LongPolls {
  readonly agent = keepAliveAgent();
  /** Answers received (each a completed poll, re-polled at once unless paused). */
  readonly answers = new Counter();
  /** Whether an answered poll asks again; off once the load is torn down. */
  repoll = true;
  /** Polls answered with an error status (not asked again). */
  refused = 0;
  readonly #requests = new Set<ClientRequest>();
  readonly #cursors: string[] = [];

  constructor(readonly url: (index: number, since: string) => string) {}

  /**
   * Starts `count` polls from `since`; each counts as started once its request is written (the server
   * holds the answer), so at most CONNECT_CONCURRENCY connections are being set up at once.
   */
  async start(count: number, since: string): Promise<void> {
    await forEachLimited(count, CONNECT_CONCURRENCY, async (index) => {
      this.#cursors[index] = since;
      const outgoing = this.poll(index);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`long poll ${index} not sent in ${OPEN_TIMEOUT_MS} ms`)),
          OPEN_TIMEOUT_MS,
        );
        outgoing.once('finish', () => {
          clearTimeout(timer);
          resolve();
        });
        outgoing.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
    });
  }

  poll(index: number): ClientRequest {
    const since = this.#cursors[index] ?? '';
    const outgoing = get(
      this.url(index, since),
      { agent: this.agent, localAddress: sourceAddress(index) },
      (response) => {
        readAll(response).then(
          (text) => {
            this.#requests.delete(outgoing);
            // A refusal (a server shutting down answers 503) ends this poller; a benchmark waiting for
            // it then times out saying how many polls are held, rather than the generator crashing.
            if (response.statusCode !== 200) {
              this.refused += 1;
              return;
            }
            this.#cursors[index] = cursorOf(JSON.parse(text));
            this.answers.add();
            if (this.repoll) this.poll(index);
          },
          () => this.#requests.delete(outgoing),
        );
      },
    );
    this.#requests.add(outgoing);
    outgoing.on('error', () => this.#requests.delete(outgoing));
    return outgoing;
  }

  destroy(): void {
    this.repoll = false;
    for (const outgoing of this.#requests) outgoing.destroy();
    this.agent.destroy();
  }
}
