/**
 * Test helper (not a test): an inspector client for `GET /api/inspect?client=`, as the page would open
 * it, keeping every wire event it was sent (each parsed with the protocol schema, so a malformed frame
 * fails the test that saw it), plus small decoders the capture tests use to check units against what
 * was really sent: an HTTP body, an RFC 6455 frame read independently of protocol/wire.
 */
import { WebSocket } from 'ws';
import { InspectServerFrame, type WireEvent } from '../../protocol/inspect.ts';
import { waitFor } from '../transports/test-clients.ts';

const OPEN_TIMEOUT_MS = 5_000;
const CLOSE_TIMEOUT_MS = 1_000;

type Hello = Extract<InspectServerFrame, { type: 'hello' }>;

export class InspectorClient {
  readonly events: WireEvent[] = [];
  /** Frames that did not parse, or socket errors: a healthy inspector has none. */
  readonly errors: string[] = [];
  closeEvent: { code: number; reason: string } | null = null;
  hello: Hello | null = null;
  /** The inspector's own ephemeral port, to tell its connection apart in a packet capture. */
  localPort: number | null = null;
  readonly #socket: WebSocket;

  private constructor(
    readonly client: string,
    socket: WebSocket,
  ) {
    this.#socket = socket;
    socket.on('upgrade', (response) => {
      this.localPort = response.socket.localPort ?? null;
    });
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch (error) {
        this.errors.push(`not JSON (${String(error)}): ${text.slice(0, 200)}`);
        return;
      }
      const frame = InspectServerFrame.safeParse(json);
      if (!frame.success) {
        this.errors.push(`frame off schema (${frame.error.message}): ${text.slice(0, 200)}`);
        return;
      }
      if (frame.data.type === 'hello') this.hello = frame.data;
      else if (frame.data.type === 'wire') this.events.push(frame.data);
    });
    socket.on('close', (code, reason) => {
      this.closeEvent = { code, reason: reason.toString() };
    });
    socket.on('error', (error) => this.errors.push(`socket error: ${error.message}`));
  }

  /** Opens an inspector and resolves once its `hello` arrived (so capture is on from here). */
  static async open(baseUrl: string, client: string): Promise<InspectorClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/inspect?client=${encodeURIComponent(client)}`;
    const inspector = new InspectorClient(client, new WebSocket(url));
    try {
      await waitFor(
        () => inspector.hello !== null || inspector.closeEvent !== null,
        OPEN_TIMEOUT_MS,
        () => `the inspector for ${client} to say hello (errors ${JSON.stringify(inspector.errors)})`,
      );
      if (!inspector.hello)
        throw new Error(
          `inspector for ${client} closed before hello: ${JSON.stringify(inspector.closeEvent)}`,
        );
    } catch (error) {
      await inspector.close();
      throw error;
    }
    return inspector;
  }

  /** Stops reading the socket (a page that fell behind); `resume()` reads again. */
  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  /** Events grouped by connection, each group in eventSeq order. */
  byConnection(): Map<number, WireEvent[]> {
    return groupByConnection(this.events);
  }

  async waitForEvents(predicate: (events: readonly WireEvent[]) => boolean, what: string, timeoutMs = 5_000) {
    await waitFor(
      () => predicate(this.events),
      timeoutMs,
      () =>
        `${what} (inspector for ${this.client} has ${this.events.length} events: ${describeEvents(this.events.slice(-30))})`,
    );
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    if (socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    else socket.close(1000, 'done');
    const timer = setTimeout(() => socket.terminate(), CLOSE_TIMEOUT_MS);
    await closed;
    clearTimeout(timer);
  }
}

export function groupByConnection(events: readonly WireEvent[]): Map<number, WireEvent[]> {
  const groups = new Map<number, WireEvent[]>();
  for (const event of [...events].sort((a, b) => a.eventSeq - b.eventSeq)) {
    const group = groups.get(event.connId) ?? [];
    group.push(event);
    groups.set(event.connId, group);
  }
  return groups;
}

/** One line per event, for failure messages: `#3 c2 out http-response /api/... 434B seqs[1]`. */
export function describeEvents(events: readonly WireEvent[]): string {
  return events
    .map((event) => {
      const ws = event.ws ? ` op${event.ws.opcode}${event.ws.masked ? ' masked' : ''}` : '';
      const close = event.ws?.closeCode ? ` close${event.ws.closeCode}` : '';
      return `#${event.eventSeq} c${event.connId} ${event.dir} ${event.unit}${ws}${close} ${event.path ?? '-'} ${event.byteLength}B seqs[${event.messageSeqs.join(',')}]${event.error ? ` !${event.error.code}` : ''}`;
    })
    .join('\n  ');
}

export function bytesOf(event: WireEvent): Buffer {
  return Buffer.from(event.bytesBase64, 'base64');
}

/** The body of a whole HTTP message as captured (Content-Length or chunked), as text. */
export function httpBodyText(message: Buffer): string {
  const headEnd = message.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new Error(`no end of head in ${JSON.stringify(message.toString('latin1'))}`);
  const head = message.subarray(0, headEnd).toString('latin1');
  let body = message.subarray(headEnd + 4);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const pieces: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = body.indexOf('\r\n', at);
      const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
      if (lineEnd < 0 || Number.isNaN(size)) throw new Error('bad chunked body');
      if (size === 0) break;
      pieces.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(pieces);
  }
  return body.toString('utf8');
}

export interface RawFrame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  payloadLength: number;
  headerLength: number;
  maskingKey: Buffer | null;
  /** Unmasked; as much of it as `bytes` holds. */
  payload: Buffer;
}

/** RFC 6455 5.2, read directly from the captured bytes (independent of protocol/wire). */
export function readFrame(bytes: Buffer): RawFrame {
  const b0 = bytes[0] ?? 0;
  const b1 = bytes[1] ?? 0;
  const masked = (b1 & 0x80) !== 0;
  let payloadLength = b1 & 0x7f;
  let at = 2;
  if (payloadLength === 126) {
    payloadLength = bytes.readUInt16BE(2);
    at = 4;
  } else if (payloadLength === 127) {
    payloadLength = Number(bytes.readBigUInt64BE(2));
    at = 10;
  }
  const maskingKey = masked ? bytes.subarray(at, at + 4) : null;
  if (masked) at += 4;
  const payload = Buffer.from(bytes.subarray(at, at + payloadLength));
  if (maskingKey)
    for (let i = 0; i < payload.length; i += 1) payload[i] = (payload[i] ?? 0) ^ (maskingKey[i % 4] ?? 0);
  return {
    fin: (b0 & 0x80) !== 0,
    opcode: b0 & 0x0f,
    masked,
    payloadLength,
    headerLength: at,
    maskingKey,
    payload,
  };
}
