/**
 * The recorder: taps the sockets worth tapping, turns their bytes into wire events per client id, keeps a
 * bounded ring of recent events per client, and hands them to inspectors as they happen.
 *
 * What gets captured: while no inspector is open (and CAPTURE_ALL is off), nothing; accepted sockets are
 * not even tapped. While one is, every newly accepted socket is tapped and decoded; units are kept for
 * clients that have (or recently had) an inspector. An upgraded WebSocket of a client nobody watches is
 * let go at the upgrade, so capture costs a chat WebSocket nothing unless someone is looking at it.
 *
 * What happens when: bytes are split into units as they cross (in byte order, the only order the parser
 * states allow), but a unit becomes a WireEvent (layers, meanings, base64) only when an inspector reads
 * it. With CAPTURE_ALL every client's units are kept and most are never read.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { WireEvent } from '../../protocol/inspect.ts';
import { ID_PATTERN } from '../../protocol/messages.ts';
import { ConnectionRecorder, type Exchange } from './connection-recorder.ts';
import type { DecodedUnit, UnitRows } from './decoded-unit.ts';
import { Ring } from './ring.ts';
import { nowMs, type SocketTap, tapSocket } from './socket-tap.ts';

export interface RecorderOptions {
  /** Raw bytes kept per unit (the full length is always reported). */
  maxUnitBytes: number;
  maxEventsPerClient: number;
  /** Body and frame bytes scanned for chat seqs. */
  maxScanBytes: number;
  /** Capture every connection and keep every client's events, inspector or not. */
  captureAll: boolean;
}

/** Clients whose rings are kept at once; the least recently active is dropped first. */
export const MAX_CAPTURED_CLIENTS = 200;

/** Told that this client has a new event (read it with eventsFrom: it is built when read). */
export type WireListener = () => void;

/**
 * What a ring holds: a WireEvent, or a unit as decoded (a unit object, or a row of a table of frames, the
 * row kept beside it in the ring) that becomes its WireEvent the first time someone reads it and is
 * replaced by it. Under CAPTURE_ALL most units are never read, and building events (layers, meanings,
 * base64) for all of them was most of what capture cost.
 */
type Kept = WireEvent | UnitRows;

function unitEvent(eventSeq: number, client: string, unit: DecodedUnit): WireEvent {
  const details = unit.details();
  const { bytes, exchange } = unit;
  return {
    type: 'wire',
    client,
    connId: unit.connId,
    transport: exchange.transport,
    dir: unit.dir,
    atMs: unit.atMs,
    unit: unit.unit,
    byteLength: unit.byteLength,
    bytesBase64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    truncated: bytes.byteLength < unit.byteLength,
    layers: details.layers,
    messageSeqs: details.messageSeqs,
    ...(exchange.path ? { path: exchange.path } : {}),
    ...(details.ws ? { ws: details.ws } : {}),
    ...(details.wsMessage ? { wsMessage: details.wsMessage } : {}),
    ...(details.error ? { error: { code: details.error.code, message: details.error.message } } : {}),
    eventSeq,
  };
}

interface ClientCapture {
  events: Ring<Kept>;
  nextSeq: number;
  listeners: Set<WireListener>;
  /** When this client last had an event (the recorder's own count), to drop the least recently active. */
  activeAt: number;
}

export class Recorder {
  readonly options: RecorderOptions;
  /** eventSeqs count from 1 again at every start; this tells a page that kept an old count. */
  readonly captureId = randomBytes(6).toString('base64url');
  readonly #rings = new Map<string, ClientCapture>();
  #watchers = 0;
  #nextConnId = 1;
  /** Counts ring lookups; a ring's activeAt is the count at its latest. */
  #tick = 0;
  #onWatch: (() => void) | null = null;

  constructor(options: RecorderOptions) {
    this.options = options;
  }

  get isCapturing(): boolean {
    return this.options.captureAll || this.#watchers > 0;
  }

  /**
   * Called whenever an inspector opens. The server closes idle keep-alive sockets then: the page that
   * opened it loaded over sockets accepted while nobody watched (untapped), and the browser would reuse
   * one for its chat transport; closed, its next request comes on a fresh, tapped connection. Doing it on
   * every watch, not only the first, covers a socket that happened to be busy when an earlier one opened.
   */
  onWatch(callback: () => void): void {
    this.#onWatch = callback;
  }

  /** For the server's `connection` event: taps the socket when anyone is capturing. */
  accept(socket: Socket): void {
    if (!this.isCapturing) return;
    new CapturedConnection(this, socket, this.#nextConnId++);
  }

  /** Keeps this client's units from now on and calls `listener` with each new one. */
  watch(client: string, listener: WireListener): { unwatch: () => void } {
    const ring = this.#ring(client);
    ring.listeners.add(listener);
    this.#watchers += 1;
    this.#onWatch?.();
    let watching = true;
    return {
      unwatch: () => {
        if (!watching) return;
        watching = false;
        ring.listeners.delete(listener);
        this.#watchers -= 1;
      },
    };
  }

  /**
   * Up to `max` of this client's kept events from `fromSeq` on, oldest first. Events are numbered without
   * gaps, so this is an index into the ring, not a search. When the ring has already dropped `fromSeq`,
   * it starts at the oldest event kept (the reader sees the jump in eventSeq).
   */
  eventsFrom(client: string, fromSeq: number, max: number): WireEvent[] {
    const ring = this.#rings.get(client);
    if (!ring) return [];
    const oldestSeq = ring.nextSeq - ring.events.size;
    const events: WireEvent[] = [];
    for (let index = Math.max(0, fromSeq - oldestSeq); events.length < max; index += 1) {
      const kept = ring.events.at(index);
      if (!kept) break;
      if ('unitAt' in kept) {
        const event = unitEvent(oldestSeq + index, client, kept.unitAt(ring.events.rowAt(index)));
        ring.events.replace(index, event);
        events.push(event);
      } else events.push(kept);
    }
    return events;
  }

  /** Whether units of this client are kept (it has, or had, an inspector; or everything is captured). */
  keeps(client: string): boolean {
    return this.options.captureAll || this.#rings.has(client);
  }

  /** Whether someone is looking at this client right now. */
  isWatched(client: string): boolean {
    return (this.#rings.get(client)?.listeners.size ?? 0) > 0;
  }

  record(event: Omit<WireEvent, 'eventSeq'>): void {
    if (!this.keeps(event.client)) return;
    const ring = this.#ring(event.client);
    this.#keep(ring, { ...event, eventSeq: ring.nextSeq++ });
  }

  /**
   * Keeps a decoded unit of `client`'s (`units.unitAt(row)`); its event (numbered now, by its place) is built
   * when first read.
   */
  recordUnit(client: string, units: UnitRows, row: number): void {
    if (!this.keeps(client)) return;
    const ring = this.#ring(client);
    ring.nextSeq += 1;
    this.#keep(ring, units, row);
  }

  #keep(ring: ClientCapture, kept: Kept, row = 0): void {
    ring.events.push(kept, row);
    // Most rings (CAPTURE_ALL) have no listener: no iterator for an empty Set on every unit.
    if (ring.listeners.size > 0) for (const listener of ring.listeners) listener();
  }

  #ring(client: string): ClientCapture {
    const activeAt = ++this.#tick;
    const known = this.#rings.get(client);
    if (known) {
      known.activeAt = activeAt;
      return known;
    }
    const ring: ClientCapture = {
      events: new Ring(this.options.maxEventsPerClient),
      nextSeq: 1,
      listeners: new Set(),
      activeAt,
    };
    this.#rings.set(client, ring);
    // Only a new client can push the count over: look for the least recently active once, then.
    if (this.#rings.size > MAX_CAPTURED_CLIENTS) {
      let oldest: string | null = null;
      let oldestAt = Number.POSITIVE_INFINITY;
      for (const [candidate, { listeners, activeAt: at }] of this.#rings) {
        if (listeners.size === 0 && at < oldestAt) {
          oldest = candidate;
          oldestAt = at;
        }
      }
      if (oldest !== null) this.#rings.delete(oldest);
    }
    return ring;
  }
}

/** One tapped socket: its decoder, the clients seen on it, and its open time. */
class CapturedConnection {
  readonly #recorder: Recorder;
  readonly #connId: number;
  readonly #openedAtMs: number;
  readonly #decoder: ConnectionRecorder;
  readonly #tap: SocketTap;
  /** Clients that had an exchange on this connection: each sees its open and its close. */
  readonly #clients = new Set<string>();
  #upgradeDecided = false;
  /** Let go of: units the decoder still cuts from bytes it already had are not kept. */
  #detached = false;
  #lastClient: string | null = null;
  readonly #peer: string;

  constructor(recorder: Recorder, socket: Socket, connId: number) {
    this.#recorder = recorder;
    this.#connId = connId;
    this.#openedAtMs = nowMs();
    this.#peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const decoder = new ConnectionRecorder(
      {
        connId,
        maxUnitBytes: recorder.options.maxUnitBytes,
        maxScanBytes: recorder.options.maxScanBytes,
      },
      (units, row, exchange) => this.#onUnit(units, row, exchange),
    );
    this.#decoder = decoder;
    this.#tap = tapSocket(socket, {
      read: (chunk, atMs) => {
        decoder.push('in', chunk, atMs);
        this.#decideAfterUpgrade();
      },
      written: (chunk, atMs) => {
        decoder.push('out', chunk, atMs);
        this.#decideAfterUpgrade();
      },
      writtenString: (text, encoding, atMs) => {
        const bytes = decoder.pushString('out', text, encoding, atMs);
        this.#decideAfterUpgrade();
        return bytes;
      },
      closed: (atMs) => this.#closed(atMs),
    });
  }

  #onUnit(units: UnitRows, row: number, exchange: Exchange): void {
    if (this.#detached) return;
    if (exchange.isInspector) {
      // The inspector's own bytes are never captured: let go of this socket entirely.
      this.#detach();
      return;
    }
    const client = this.#clientOf(exchange);
    if (client !== null) this.#recorder.recordUnit(client, units, row);
  }

  #detach(): void {
    this.#detached = true;
    this.#tap.detach();
  }

  /** A chat WebSocket nobody is watching is let go at the upgrade: its frames then cost nothing. */
  #decideAfterUpgrade(): void {
    const upgraded = this.#decoder.upgradedExchange;
    if (!upgraded || this.#upgradeDecided) return;
    this.#upgradeDecided = true;
    const client = upgraded.client;
    if (client === null || !this.#recorder.keeps(client)) this.#detach();
  }

  /** The unit's client, announcing this connection's open to a client seeing it for the first time. */
  #clientOf(exchange: Exchange): string | null {
    const client = exchange.client;
    // A connection's units mostly share one client string: check its pattern once.
    if (client !== null && client === this.#lastClient) return client;
    if (client === null || !ID_PATTERN.test(client)) return null;
    this.#lastClient = client;
    if (!this.#clients.has(client)) {
      this.#clients.add(client);
      this.#recorder.record({
        ...this.#tcpEvent(client, 'tcp-open', this.#openedAtMs, exchange),
        peer: this.#peer,
      });
    }
    return client;
  }

  #closed(atMs: number): void {
    this.#decoder.close(atMs);
    const error = this.#decoder.closeError;
    const wsClosing = this.#decoder.wsClosing;
    for (const client of this.#clients) {
      this.#recorder.record({
        ...this.#tcpEvent(client, 'tcp-close', atMs, this.#decoder.lastExchange),
        ...(wsClosing ? { wsClosing } : {}),
        ...(error ? { error: { code: error.code, message: error.message } } : {}),
      });
    }
  }

  #tcpEvent(
    client: string,
    unit: 'tcp-open' | 'tcp-close',
    atMs: number,
    exchange: Exchange,
  ): Omit<WireEvent, 'eventSeq'> {
    return {
      type: 'wire',
      client,
      connId: this.#connId,
      transport: exchange.transport,
      dir: 'in',
      atMs,
      unit,
      byteLength: 0,
      bytesBase64: '',
      truncated: false,
      layers: [],
      messageSeqs: [],
    };
  }
}
