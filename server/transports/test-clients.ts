/**
 * Test helper (not a test): one small chat client per transport behind one interface, so the contract
 * suite runs unchanged against all four. Each behaves like a real client would: it dedupes by seq, keeps
 * its last cursor, and resumes from it. It also records what a real client would hide (deliveries it
 * dropped as duplicates, every resume outcome), because those are what the tests check.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EventSource, type FetchLike, type FetchLikeResponse } from 'eventsource';
import { WebSocket } from 'ws';
import {
  type ChatMessage,
  PollResponse,
  type ResumeOutcome,
  SendAck,
  SseResumeData,
  type TransportKind,
  WsServerFrame,
} from '../../protocol/messages.ts';

/** Bounded wait with a message that says what was awaited and what was there instead. */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs: number,
  describeState: () => string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${describeState()}`);
    await sleep(10);
  }
}

const POLL_INTERVAL_MS = 50;
/** How long a held long poll asks to be held; short, so a test never waits on a 25 s hold. */
const LONG_POLL_HOLD_MS = 5_000;
const CONNECT_TIMEOUT_MS = 5_000;
const SEND_TIMEOUT_MS = 5_000;
const ERROR_BACKOFF_MS = 100;

export interface ConnectOptions {
  since?: string;
  clientId?: string;
}

export interface SendOptions {
  to?: string;
  id?: string;
}

export class SendError extends Error {
  override name = 'SendError';
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`send failed with ${status}: ${body}`);
  }
}

export interface ChatClient {
  readonly transport: TransportKind;
  readonly room: string;
  readonly name: string;
  readonly clientId: string;
  /** Deduped by cursor (epoch:seq), in arrival order. */
  readonly messages: readonly ChatMessage[];
  /** Deliveries the client dropped because it already had that cursor: a lossless resume makes none. */
  readonly duplicates: readonly ChatMessage[];
  /** One per (re)connection, plus any later answer that was not recovered. */
  readonly resumes: readonly ResumeOutcome[];
  /** Unexpected errors (non-2xx answers, socket errors) seen by the background loop. */
  readonly errors: readonly string[];
  readonly cursor: string | null;
  send(text: string, options?: SendOptions): Promise<SendAck>;
  /** Drops the connection abruptly (no close handshake); nothing is read until reconnect(). */
  cut(): Promise<void>;
  /** Resumes from the last cursor; resolves once the new connection reported its resume outcome. */
  reconnect(): Promise<void>;
  close(): Promise<void>;
}

export interface TransportAdapter {
  kind: TransportKind;
  connect(baseUrl: string, room: string, name: string, options?: ConnectOptions): Promise<ChatClient>;
}

let clientCounter = 0;
function newClientId(kind: TransportKind): string {
  clientCounter += 1;
  return `${kind}-${clientCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

let messageCounter = 0;
export function newMessageId(): string {
  messageCounter += 1;
  return `m${messageCounter}-${Math.random().toString(36).slice(2, 10)}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function toOutcome(data: { recovered: boolean; reason?: string | undefined }): ResumeOutcome {
  if (data.recovered) return { recovered: true };
  if (data.reason === 'window_exceeded' || data.reason === 'epoch_changed')
    return { recovered: false, reason: data.reason };
  throw new Error(
    `a resume answer with recovered:false must carry a known reason, got ${JSON.stringify(data)}`,
  );
}

abstract class BaseClient implements ChatClient {
  abstract readonly transport: TransportKind;
  readonly messages: ChatMessage[] = [];
  readonly duplicates: ChatMessage[] = [];
  readonly resumes: ResumeOutcome[] = [];
  readonly errors: string[] = [];
  cursor: string | null;
  protected closed = false;
  readonly #seen = new Set<string>();

  constructor(
    readonly baseUrl: string,
    readonly room: string,
    readonly name: string,
    readonly clientId: string,
    since: string | undefined,
  ) {
    this.cursor = since ?? null;
  }

  protected url(path: string, extra: Record<string, string> = {}): string {
    const query = new URLSearchParams({ client: this.clientId, name: this.name, ...extra });
    return `${this.baseUrl}/api/rooms/${encodeURIComponent(this.room)}/${path}?${query}`;
  }

  protected receive(message: ChatMessage): void {
    if (this.#seen.has(message.cursor)) {
      this.duplicates.push(message);
      return;
    }
    this.#seen.add(message.cursor);
    this.messages.push(message);
    this.cursor = message.cursor;
  }

  protected async waitForResumes(count: number, what: string): Promise<void> {
    await waitFor(
      () => this.resumes.length >= count || this.closed,
      CONNECT_TIMEOUT_MS,
      () =>
        `${this.transport} client ${this.clientId} to ${what} (resumes ${JSON.stringify(this.resumes)}, errors ${JSON.stringify(this.errors)})`,
    );
    if (this.resumes.length < count)
      throw new Error(`${this.transport} client ${this.clientId} closed before it could ${what}`);
  }

  /** The HTTP transports send with POST; the WebSocket client overrides this. */
  async send(text: string, options: SendOptions = {}): Promise<SendAck> {
    const body = {
      id: options.id ?? newMessageId(),
      from: this.name,
      text,
      ...(options.to ? { to: options.to } : {}),
    };
    const response = await fetch(
      `${this.baseUrl}/api/rooms/${encodeURIComponent(this.room)}/messages?client=${encodeURIComponent(this.clientId)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      },
    );
    const answer = await response.text();
    if (response.status !== 201) throw new SendError(response.status, answer);
    return SendAck.parse(JSON.parse(answer));
  }

  abstract cut(): Promise<void>;
  abstract reconnect(): Promise<void>;
  abstract close(): Promise<void>;
}

// ---- Naive polling and long polling: one fetch loop, two pacing rules ----------------------------

class PollingClient extends BaseClient {
  readonly transport: TransportKind;
  #loop: { controller: AbortController; done: Promise<void> } | null = null;

  constructor(kind: 'polling' | 'long-polling', ...rest: ConstructorParameters<typeof BaseClient>) {
    super(...rest);
    this.transport = kind;
  }

  start(): Promise<void> {
    const controller = new AbortController();
    const expected = this.resumes.length + 1;
    this.#loop = { controller, done: this.#run(controller.signal) };
    return this.waitForResumes(expected, 'connect');
  }

  async #run(signal: AbortSignal): Promise<void> {
    let first = true;
    while (!signal.aborted) {
      try {
        const extra: Record<string, string> = this.cursor ? { since: this.cursor } : {};
        let path = 'poll';
        if (this.transport === 'long-polling') {
          path = 'long-poll';
          // The first request of a connection is answered at once, so connect() knows the resume outcome.
          extra.timeoutMs = String(first ? 0 : LONG_POLL_HOLD_MS);
        }
        const response = await fetch(this.url(path, extra), { signal });
        const text = await response.text();
        if (response.status !== 200) {
          this.errors.push(`${path} answered ${response.status}: ${text}`);
          await sleep(ERROR_BACKOFF_MS, undefined, { signal });
          continue;
        }
        const body = PollResponse.parse(JSON.parse(text));
        const outcome = toOutcome(body);
        if (first || !outcome.recovered) this.resumes.push(outcome);
        first = false;
        for (const message of body.messages) this.receive(message);
        this.cursor = body.cursor;
        if (this.transport === 'polling') await sleep(POLL_INTERVAL_MS, undefined, { signal });
      } catch (error) {
        if (signal.aborted) return;
        this.errors.push(describeError(error));
        await sleep(ERROR_BACKOFF_MS, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  async #stop(): Promise<void> {
    const loop = this.#loop;
    this.#loop = null;
    if (!loop) return;
    loop.controller.abort();
    await loop.done;
  }

  cut(): Promise<void> {
    return this.#stop();
  }

  async reconnect(): Promise<void> {
    await this.#stop();
    await this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.#stop();
  }
}

// ---- Server-Sent Events: the eventsource package, with a fetch we can cut and hold -------------------

class SseClient extends BaseClient {
  readonly transport = 'sse' as const;
  /** The headers of every stream request, to see what EventSource sent (Last-Event-ID). */
  readonly requestHeaders: Record<string, string>[] = [];
  #source: EventSource | null = null;
  /** While set, EventSource's reconnect waits here: the connection stays down until reconnect(). */
  #gate: { open: Promise<void>; release: () => void } | null = null;
  #live: { abort: AbortController; cutting: boolean } | null = null;

  start(): Promise<void> {
    const url = this.url('sse', this.cursor ? { since: this.cursor } : {});
    const source = new EventSource(url, { fetch: this.#fetch });
    this.#source = source;
    source.addEventListener('resume', (event: MessageEvent) => {
      try {
        const data = SseResumeData.parse(JSON.parse(String(event.data)));
        this.resumes.push(toOutcome(data));
        this.cursor = data.cursor;
      } catch (error) {
        this.errors.push(`bad resume event ${String(event.data)}: ${describeError(error)}`);
      }
    });
    source.addEventListener('message', (event: MessageEvent) => {
      try {
        const frame = WsServerFrame.parse({ type: 'message', message: JSON.parse(String(event.data)) });
        if (frame.type === 'message') this.receive(frame.message);
      } catch (error) {
        this.errors.push(`bad message event ${String(event.data)}: ${describeError(error)}`);
      }
    });
    source.addEventListener('error', (event) => {
      if (!this.#live?.cutting)
        this.errors.push(`EventSource error: ${event.message ?? 'unknown'} (${event.code ?? '-'})`);
    });
    return this.waitForResumes(this.resumes.length + 1, 'connect');
  }

  readonly #fetch: FetchLike = async (url, init): Promise<FetchLikeResponse> => {
    while (this.#gate) await this.#gate.open;
    const abort = new AbortController();
    const outerSignal: unknown = init.signal;
    if (outerSignal instanceof AbortSignal) {
      if (outerSignal.aborted) abort.abort();
      outerSignal.addEventListener('abort', () => abort.abort(), { once: true });
    }
    this.requestHeaders.push({ ...init.headers });
    const response = await fetch(url, { headers: init.headers, cache: 'no-store', signal: abort.signal });
    const live = { abort, cutting: false };
    this.#live = live;
    const reader = response.body?.getReader();
    if (!reader) return response;
    // Re-wrap the body: when we cut, EventSource must see the stream end (as on a dropped network) and
    // reconnect with Last-Event-ID, not see our own abort (which it treats as close()).
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          if (live.cutting) controller.close();
          else controller.error(error);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return {
      body,
      url: response.url,
      status: response.status,
      redirected: response.redirected,
      headers: response.headers,
    };
  };

  async cut(): Promise<void> {
    let release = () => {};
    const open = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#gate = { open, release };
    if (this.#live) {
      this.#live.cutting = true;
      this.#live.abort.abort();
    }
  }

  async reconnect(): Promise<void> {
    const expected = this.resumes.length + 1;
    // Not cut yet: drop the stream first, so EventSource comes back on its own with Last-Event-ID.
    if (!this.#gate) await this.cut();
    const gate = this.#gate as { release: () => void } | null;
    this.#gate = null;
    gate?.release();
    await this.waitForResumes(expected, 'reconnect');
  }

  async close(): Promise<void> {
    this.closed = true;
    const gate = this.#gate;
    this.#gate = null;
    this.#source?.close();
    gate?.release();
    this.#live?.abort.abort();
  }
}

// ---- WebSocket: the ws package -------------------------------------------------------------------

type ParsedWsFrame = ReturnType<typeof WsServerFrame.parse>;

interface PendingSend {
  resolve: (ack: SendAck) => void;
  reject: (error: Error) => void;
}

class WebSocketClient extends BaseClient {
  readonly transport = 'websocket' as const;
  /** Every error frame the server sent. */
  readonly errorFrames: { code: string; message: string }[] = [];
  closeEvents: { code: number; reason: string }[] = [];
  #socket: WebSocket | null = null;
  readonly #pending = new Map<string, PendingSend>();

  start(): Promise<void> {
    const base = this.url('ws', this.cursor ? { since: this.cursor } : {});
    const socket = new WebSocket(base.replace(/^http/, 'ws'));
    this.#socket = socket;
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        this.errors.push('binary frame from the server');
        return;
      }
      let frame: ParsedWsFrame;
      try {
        frame = WsServerFrame.parse(JSON.parse(data.toString()));
      } catch (error) {
        this.errors.push(`bad frame ${data.toString()}: ${describeError(error)}`);
        return;
      }
      switch (frame.type) {
        case 'resume':
          this.resumes.push(toOutcome(frame));
          this.cursor = frame.cursor;
          return;
        case 'message':
          this.receive(frame.message);
          return;
        case 'ack': {
          const pending = this.#pending.get(frame.id);
          this.#pending.delete(frame.id);
          pending?.resolve({ seq: frame.seq, cursor: frame.cursor, epoch: frame.cursor.split(':')[0] ?? '' });
          return;
        }
        case 'error':
          this.errorFrames.push({ code: frame.code, message: frame.message });
          this.#rejectAll(new SendError(0, `${frame.code}: ${frame.message}`));
          return;
      }
    });
    socket.on('close', (code, reason) => {
      this.closeEvents.push({ code, reason: reason.toString() });
      this.#rejectAll(new Error(`socket closed ${code} ${reason.toString()}`));
    });
    socket.on('error', (error) => {
      if (!this.closed) this.errors.push(describeError(error));
    });
    return this.waitForResumes(this.resumes.length + 1, 'connect');
  }

  #rejectAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  override send(text: string, options: SendOptions = {}): Promise<SendAck> {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN)
      return Promise.reject(new Error('socket is not open'));
    const id = options.id ?? newMessageId();
    return new Promise<SendAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no ack for ${id} within ${SEND_TIMEOUT_MS} ms`));
      }, SEND_TIMEOUT_MS);
      this.#pending.set(id, {
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      socket.send(JSON.stringify({ type: 'send', id, text, ...(options.to ? { to: options.to } : {}) }));
    });
  }

  async #drop(): Promise<void> {
    const socket = this.#socket;
    this.#socket = null;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.terminate();
    await closed;
  }

  cut(): Promise<void> {
    return this.#drop();
  }

  async reconnect(): Promise<void> {
    await this.#drop();
    await this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    const socket = this.#socket;
    this.#socket = null;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.close(1000, 'bye');
    const timer = setTimeout(() => socket.terminate(), 1_000);
    await closed;
    clearTimeout(timer);
  }
}

// ---- Registry ----------------------------------------------------------------------------------------

function adapter(kind: TransportKind): TransportAdapter {
  return {
    kind,
    async connect(baseUrl, room, name, options = {}) {
      const args = [baseUrl, room, name, options.clientId ?? newClientId(kind), options.since] as const;
      const client =
        kind === 'sse'
          ? new SseClient(...args)
          : kind === 'websocket'
            ? new WebSocketClient(...args)
            : new PollingClient(kind, ...args);
      try {
        await client.start();
      } catch (error) {
        await client.close();
        throw error;
      }
      return client;
    },
  };
}

export const ADAPTERS: Record<TransportKind, TransportAdapter> = {
  polling: adapter('polling'),
  'long-polling': adapter('long-polling'),
  sse: adapter('sse'),
  websocket: adapter('websocket'),
};

export { SseClient, WebSocketClient };

/** Owns the clients a test opens; closeAll() in afterEach. */
export class ClientPool {
  readonly #clients: ChatClient[] = [];

  async connect(
    kind: TransportKind,
    baseUrl: string,
    room: string,
    name: string,
    options?: ConnectOptions,
  ): Promise<ChatClient> {
    const client = await ADAPTERS[kind].connect(baseUrl, room, name, options);
    this.#clients.push(client);
    return client;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#clients.splice(0).map((client) => client.close()));
  }
}

/** "kind:from:text" lines, for readable assertions and failure messages. */
export function lines(messages: readonly ChatMessage[]): string[] {
  return messages.map((message) => `${message.kind}:${message.from}:${message.text}`);
}
