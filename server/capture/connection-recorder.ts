/**
 * One TCP connection, decoded: HTTP/1.1 exchanges in both directions, SSE events inside chunked
 * responses, and after a 101 the WebSocket frames. It turns bytes into wire units that partition each
 * direction exactly (every byte belongs to one unit), attributes each unit to the exchange it belongs
 * to (client id and transport from the request URL), and links it to the chat seqs it carried.
 */
import type { WireDirection, WireUnit, WsClosing } from '../../protocol/inspect.ts';
import {
  type ChunkEvent,
  type HeadEvent,
  Http1Parser,
  type Http1PushResult,
} from '../../protocol/wire/http1.ts';
import type { DecodeError, Layer } from '../../protocol/wire/layers.ts';
import { type NegotiatedDeflate, negotiatedDeflate } from '../../protocol/wire/ws-deflate.ts';
import { ByteWindow } from './byte-window.ts';
import { DescribedUnit } from './decoded-unit.ts';
import { SseBody } from './sse-body.ts';
import {
  type Exchange,
  exchangeOf,
  handshakeLayers,
  headerOf,
  seqsIn,
  shiftLayers,
  UNKNOWN_EXCHANGE,
} from './unit-details.ts';
import { type UnitListener, WsStream } from './ws-stream.ts';

export type { DecodedUnit, UnitRows } from './decoded-unit.ts';
export type { Exchange } from './unit-details.ts';
export type { UnitListener } from './ws-stream.ts';

/** What an HTTP unit in progress has gathered; its layers' offsets still count from the stream's start. */
interface UnitParts {
  exchange: Exchange;
  dir: WireDirection;
  unit: WireUnit;
  atMs: number;
  end: number;
  layers: Layer[];
  messageSeqs: number[];
}

export interface ConnectionRecorderOptions {
  maxUnitBytes: number;
  /** Body and frame bytes scanned for chat seqs (a poll answer of 50 messages is tens of KiB). */
  maxScanBytes: number;
  /** Read the frames that can wait only when asked (the default); false reads every frame at once. */
  deferReading?: boolean;
  /** Stamped on every unit, so a kept unit needs nothing beside it to become a WireEvent. */
  connId?: number;
}

const NO_SEQS: number[] = [];

interface Side {
  window: ByteWindow;
  http: Http1Parser;
  /** After the 101: this direction's frames. */
  ws: WsStream | null;
  failed: boolean;
  /** Layers gathered for the HTTP message in progress (head, then body pieces). */
  pendingLayers: Layer[];
  pendingSeqs: number[];
  /** What the HTTP message in progress is: a plain request/response, or a WebSocket opening handshake. */
  pendingUnit: WireUnit;
}

const UNDECODED: DecodeError = {
  code: 'CAPTURE_UNDECODED',
  message: 'these bytes could not be decoded (see the earlier error)',
};

export class ConnectionRecorder {
  readonly #options: ConnectionRecorderOptions;
  readonly #connId: number;
  readonly #onUnit: UnitListener;
  readonly #in: Side;
  readonly #out: Side;
  /** Requests whose responses have not started, oldest first (HTTP/1.1 answers in order). */
  readonly #awaitingResponse: Exchange[] = [];
  #currentRequest: Exchange = UNKNOWN_EXCHANGE;
  #currentResponse: Exchange = UNKNOWN_EXCHANGE;
  #upgraded: Exchange | null = null;
  /** permessage-deflate as the 101 agreed it, null when not. */
  #deflate: NegotiatedDeflate | null = null;
  /** The response in progress when it is a `text/event-stream`. */
  #sse: SseBody | null = null;
  #closeError: DecodeError | null = null;
  #closing = false;

  /** `onUnit` is told every unit as it is cut off, in byte order per direction. */
  constructor(options: ConnectionRecorderOptions, onUnit: UnitListener) {
    this.#options = options;
    this.#connId = options.connId ?? 0;
    this.#onUnit = onUnit;
    const side = (direction: 'in' | 'out'): Side => ({
      window: new ByteWindow(options.maxUnitBytes),
      http: new Http1Parser({ direction, maxKeptBodyBytes: options.maxScanBytes }),
      ws: null,
      failed: false,
      pendingLayers: [],
      pendingSeqs: [],
      pendingUnit: direction === 'in' ? 'http-request' : 'http-response',
    });
    this.#in = side('in');
    this.#out = side('out');
  }

  /** The WebSocket exchange once upgraded, so the recorder can decide whether to keep watching. */
  get upgradedExchange(): Exchange | null {
    return this.#upgraded;
  }

  push(dir: WireDirection, chunk: Uint8Array, atMs: number): void {
    const side = dir === 'in' ? this.#in : this.#out;
    side.window.append(chunk);
    this.#decode(side, dir, chunk, atMs);
  }

  /**
   * A string about to cross: encoded once, into the unit's own bytes when they will all be kept, and
   * returned as the bytes to send (`encoding` as Node's Writable would use it).
   */
  pushString(dir: WireDirection, text: string, encoding: BufferEncoding, atMs: number): Uint8Array {
    const side = dir === 'in' ? this.#in : this.#out;
    let bytes = side.window.appendString(text, encoding);
    if (!bytes) {
      bytes = Buffer.from(text, encoding);
      side.window.append(bytes);
    }
    this.#decode(side, dir, bytes, atMs);
    return bytes;
  }

  /** The connection closed: whatever is unfinished becomes a last unit, so byte counts still add up. */
  close(atMs: number): void {
    this.#closing = true;
    for (const [dir, side] of [
      ['in', this.#in],
      ['out', this.#out],
    ] as const) {
      if (!side.ws && !side.failed) this.#handleHttp(side, dir, side.http.end(), atMs);
      if (side.window.end > side.window.unitStart) this.#raw(side, dir, atMs);
    }
  }

  /** For a WebSocket connection: the Close frame each side sent (null: none, so the other side saw 1006). */
  get wsClosing(): WsClosing | null {
    if (!this.#in.ws && !this.#out.ws) return null;
    return { fromClient: this.#in.ws?.closeSent ?? null, fromServer: this.#out.ws?.closeSent ?? null };
  }

  /** Why the connection ended mid-message, if it did (an SSE stream cut, a request half sent). */
  get closeError(): DecodeError | null {
    return this.#closeError;
  }

  /** The exchange most recently seen on this connection. */
  get lastExchange(): Exchange {
    // The request side is never behind the response side: a held long poll has no response yet.
    return this.#upgraded ?? this.#currentRequest;
  }

  /** Bytes just appended to the side's window: cut them into units. */
  #decode(side: Side, dir: WireDirection, chunk: Uint8Array, atMs: number): void {
    if (side.failed) {
      this.#raw(side, dir, atMs);
    } else if (side.ws) {
      const error = side.ws.push(chunk, atMs);
      if (error) {
        side.failed = true;
        this.#raw(side, dir, atMs, error);
      }
    } else {
      this.#handleHttp(side, dir, side.http.push(chunk), atMs);
    }
    side.window.trim();
  }

  /** Everything not yet handed out, as one unit that could not be decoded. */
  #raw(side: Side, dir: WireDirection, atMs: number, error: DecodeError = UNDECODED): void {
    const exchange = side.ws
      ? (this.#upgraded ?? UNKNOWN_EXCHANGE)
      : dir === 'in'
        ? this.#currentRequest
        : this.#currentResponse;
    const unit: WireUnit = side.ws ? 'ws-frame' : dir === 'in' ? 'http-request' : 'http-response';
    const taken = side.window.take(side.window.end);
    this.#onUnit(
      new DescribedUnit({ connId: this.#connId, exchange, dir, unit, atMs }, taken.byteLength, taken, {
        layers: [],
        messageSeqs: NO_SEQS,
        error,
      }),
      0,
      exchange,
    );
  }

  #emit(side: Side, parts: UnitParts): void {
    const taken = side.window.take(parts.end);
    const layers = shiftLayers(parts.layers, -taken.byteOffset, this.#options.maxUnitBytes);
    this.#onUnit(
      new DescribedUnit({ ...parts, connId: this.#connId }, taken.byteLength, taken, {
        layers,
        messageSeqs: parts.messageSeqs,
      }),
      0,
      parts.exchange,
    );
  }

  #handleHttp(side: Side, dir: WireDirection, result: Http1PushResult, atMs: number): void {
    for (const event of result.events) {
      switch (event.kind) {
        case 'head':
          this.#onHead(side, dir, event, atMs);
          break;
        case 'body':
          side.pendingLayers.push(...event.layers);
          side.pendingSeqs.push(...seqsIn(event.data));
          break;
        case 'body-data':
          if (dir === 'out') this.#sse?.feed(event.bytes, event.byteOffset);
          break;
        case 'chunk':
          this.#onChunk(side, dir, event, atMs);
          break;
        case 'message-end': {
          if (side.pendingLayers.length === 0 && side.window.unitStart >= event.byteOffset + event.byteLength)
            break;
          const exchange = dir === 'in' ? this.#currentRequest : this.#currentResponse;
          this.#emit(side, {
            exchange,
            dir,
            unit: side.pendingUnit,
            atMs,
            end: event.byteOffset + event.byteLength,
            layers: side.pendingLayers,
            messageSeqs: side.pendingSeqs,
          });
          side.pendingLayers = [];
          side.pendingSeqs = [];
          break;
        }
        case 'upgrade':
          break;
      }
    }
    if (result.error) {
      side.failed = true;
      if (this.#closing && side.window.end === side.window.unitStart) {
        // Nothing left to show as a unit: the close itself carries the news.
        this.#closeError = result.error;
      } else {
        this.#raw(side, dir, atMs, result.error);
      }
    }
    if (result.upgraded && !side.ws) this.#startWs(side, dir, result.leftover, atMs);
  }

  #onHead(side: Side, dir: WireDirection, head: HeadEvent, atMs: number): void {
    if (dir === 'in') {
      const exchange = head.request ? exchangeOf(head.request.method, head.request.target) : UNKNOWN_EXCHANGE;
      this.#currentRequest = exchange;
      this.#awaitingResponse.push(exchange);
      this.#out.http.expectResponseTo(exchange.method || 'GET');
      side.pendingLayers = [...head.layers];
      const upgrade = headerOf(head.headers, 'upgrade')?.value ?? '';
      side.pendingUnit = upgrade.toLowerCase() === 'websocket' ? 'ws-handshake' : 'http-request';
      const key = headerOf(head.headers, 'sec-websocket-key')?.value;
      if (key !== undefined) exchange.wsKey = key;
      return;
    }
    this.#currentResponse = this.#awaitingResponse.shift() ?? UNKNOWN_EXCHANGE;
    const status = head.response?.status ?? 0;
    if (status === 101) {
      // The server agreed to switch: the request was the opening handshake, this head its answer.
      this.#upgraded = this.#currentResponse;
      this.#deflate = negotiatedDeflate(headerOf(head.headers, 'sec-websocket-extensions')?.value);
      this.#emit(side, {
        exchange: this.#currentResponse,
        dir,
        unit: 'ws-handshake',
        atMs,
        end: head.byteOffset + head.byteLength,
        layers: [...head.layers, ...handshakeLayers(this.#currentResponse.wsKey, head.headers)],
        messageSeqs: [],
      });
      this.#handleHttp(this.#in, 'in', this.#in.http.resolveUpgrade(true), atMs);
      return;
    }
    // A refused upgrade (403, 400) means the request side goes on as HTTP (a no-op when none is pending).
    this.#handleHttp(this.#in, 'in', this.#in.http.resolveUpgrade(false), atMs);
    const contentType =
      head.headers.find((header) => header.name.toLowerCase() === 'content-type')?.value ?? '';
    this.#sse = contentType.startsWith('text/event-stream') ? new SseBody() : null;
    if (head.bodyMode === 'chunked' || head.bodyMode === 'until-close') {
      // A streaming response: show its head now, then each chunk as it comes.
      this.#emit(side, {
        exchange: this.#currentResponse,
        dir,
        unit: 'http-response',
        atMs,
        end: head.byteOffset + head.byteLength,
        layers: head.layers,
        messageSeqs: [],
      });
      side.pendingLayers = [];
      return;
    }
    side.pendingLayers = [...head.layers];
  }

  #onChunk(side: Side, dir: WireDirection, chunk: ChunkEvent, atMs: number): void {
    const sse = this.#sse?.takeChunk();
    this.#emit(side, {
      exchange: this.#currentResponse,
      dir,
      unit: sse?.unit ?? 'http-chunk',
      atMs,
      end: chunk.byteOffset + chunk.byteLength,
      layers: sse ? [...chunk.layers.slice(0, 1), ...sse.layers, ...chunk.layers.slice(1)] : chunk.layers,
      messageSeqs: sse?.messageSeqs ?? [],
    });
  }

  #startWs(side: Side, dir: WireDirection, leftover: Uint8Array, atMs: number): void {
    const base = side.window.end - leftover.length;
    side.ws = new WsStream(
      side.window,
      base,
      {
        connId: this.#connId,
        exchange: this.#upgraded ?? UNKNOWN_EXCHANGE,
        dir,
        deflate: this.#deflate,
        maxUnitBytes: this.#options.maxUnitBytes,
        maxScanBytes: this.#options.maxScanBytes,
        deferReading: this.#options.deferReading !== false,
      },
      this.#onUnit,
    );
    if (leftover.length === 0) return;
    const error = side.ws.push(leftover, atMs);
    if (error) {
      side.failed = true;
      this.#raw(side, dir, atMs, error);
    }
  }
}
