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
import { SseParser, type SseUnit } from '../../protocol/wire/sse.ts';
import { type NegotiatedDeflate, negotiatedDeflate } from '../../protocol/wire/ws-deflate.ts';
import { describeWsFrame, WsFrameDecoder } from '../../protocol/wire/ws-frame.ts';
import { WsMessageStream } from '../../protocol/wire/ws-message-stream.ts';
import { ByteWindow } from './byte-window.ts';
import {
  type Exchange,
  exchangeOf,
  handshakeLayers,
  headerOf,
  seqsIn,
  shiftLayers,
  UNKNOWN_EXCHANGE,
  type UnitDetails,
  wsFrameDetails,
} from './unit-details.ts';
import { deferWsFrame, type PendingDetails, type WsReadContext } from './ws-frame-unit.ts';

export type { Exchange } from './unit-details.ts';

export interface DecodedUnit {
  /** The connection it crossed (ConnectionRecorderOptions.connId). */
  connId: number;
  exchange: Exchange;
  dir: WireDirection;
  unit: WireUnit;
  atMs: number;
  byteLength: number;
  bytes: Uint8Array;
  /** Built already, or pending: most units are never read, so reading waits when it can (ws-frame-unit.ts). */
  details: UnitDetails | PendingDetails;
}

export function detailsOf(unit: DecodedUnit): UnitDetails {
  const { details } = unit;
  return 'build' in details ? details.build() : details;
}

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

interface Side {
  window: ByteWindow;
  http: Http1Parser;
  ws: WsFrameDecoder | null;
  /** Which message each data frame belongs to; joins and inflates them. */
  messages: WsMessageStream | null;
  /** What reading this direction's frames needs, now or later. */
  read: WsReadContext | null;
  /** The Close frame this side sent, once seen. */
  closeSent: { code: number | null; reason: string } | null;
  /** Offset in this direction's stream where WebSocket bytes begin. */
  wsBase: number;
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
  readonly #in: Side;
  readonly #out: Side;
  /** Requests whose responses have not started, oldest first (HTTP/1.1 answers in order). */
  readonly #awaitingResponse: Exchange[] = [];
  #currentRequest: Exchange = UNKNOWN_EXCHANGE;
  #currentResponse: Exchange = UNKNOWN_EXCHANGE;
  #upgraded: Exchange | null = null;
  /** permessage-deflate as the 101 agreed it, null when not. */
  #deflate: NegotiatedDeflate | null = null;
  #sse: SseParser | null = null;
  #pendingSse: SseUnit[] = [];
  /** Where de-chunked body bytes fed to the SSE parser sit in the TCP stream, for placing its layers. */
  #sseSegments: Array<{ bodyOffset: number; streamOffset: number; length: number }> = [];
  #sseFed = 0;
  #closeError: DecodeError | null = null;
  #closing = false;

  constructor(options: ConnectionRecorderOptions) {
    this.#options = options;
    this.#connId = options.connId ?? 0;
    const side = (direction: 'in' | 'out'): Side => ({
      window: new ByteWindow(options.maxUnitBytes),
      http: new Http1Parser({ direction, maxKeptBodyBytes: options.maxScanBytes }),
      ws: null,
      messages: null,
      read: null,
      closeSent: null,
      wsBase: 0,
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

  push(dir: WireDirection, chunk: Uint8Array, atMs: number): DecodedUnit[] {
    const side = dir === 'in' ? this.#in : this.#out;
    side.window.append(chunk);
    const units: DecodedUnit[] = [];
    if (side.failed) {
      units.push(this.#raw(side, dir, atMs));
    } else if (side.ws) {
      this.#pushWs(side, dir, chunk, atMs, units);
    } else {
      this.#handleHttp(side, dir, side.http.push(chunk), atMs, units);
    }
    side.window.trim();
    return units;
  }

  /** The connection closed: whatever is unfinished becomes a last unit, so byte counts still add up. */
  close(atMs: number): DecodedUnit[] {
    const units: DecodedUnit[] = [];
    this.#closing = true;
    for (const [dir, side] of [
      ['in', this.#in],
      ['out', this.#out],
    ] as const) {
      if (!side.ws && !side.failed) this.#handleHttp(side, dir, side.http.end(), atMs, units);
      if (side.window.end > side.window.unitStart) units.push(this.#raw(side, dir, atMs));
    }
    return units;
  }

  /** For a WebSocket connection: the Close frame each side sent (null: none, so the other side saw 1006). */
  get wsClosing(): WsClosing | null {
    if (!this.#in.ws && !this.#out.ws) return null;
    return { fromClient: this.#in.closeSent, fromServer: this.#out.closeSent };
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

  #raw(side: Side, dir: WireDirection, atMs: number, error: DecodeError = UNDECODED): DecodedUnit {
    const exchange = side.ws
      ? (this.#upgraded ?? UNKNOWN_EXCHANGE)
      : dir === 'in'
        ? this.#currentRequest
        : this.#currentResponse;
    const unit: WireUnit = side.ws ? 'ws-frame' : dir === 'in' ? 'http-request' : 'http-response';
    const taken = side.window.take(side.window.end);
    return {
      connId: this.#connId,
      exchange,
      dir,
      unit,
      atMs,
      byteLength: taken.byteLength,
      bytes: taken.bytes,
      details: { layers: [], messageSeqs: [], error },
    };
  }

  #emit(side: Side, units: DecodedUnit[], parts: UnitParts): void {
    const taken = side.window.take(parts.end);
    units.push({
      connId: this.#connId,
      exchange: parts.exchange,
      dir: parts.dir,
      unit: parts.unit,
      atMs: parts.atMs,
      byteLength: taken.byteLength,
      bytes: taken.bytes,
      details: {
        layers: shiftLayers(parts.layers, -taken.byteOffset, this.#options.maxUnitBytes),
        messageSeqs: parts.messageSeqs,
      },
    });
  }

  #handleHttp(
    side: Side,
    dir: WireDirection,
    result: Http1PushResult,
    atMs: number,
    units: DecodedUnit[],
  ): void {
    for (const event of result.events) {
      switch (event.kind) {
        case 'head':
          this.#onHead(side, dir, event, atMs, units);
          break;
        case 'body':
          side.pendingLayers.push(...event.layers);
          side.pendingSeqs.push(...seqsIn(event.data));
          break;
        case 'body-data':
          if (dir === 'out' && this.#sse) {
            this.#sseSegments.push({
              bodyOffset: this.#sseFed,
              streamOffset: event.byteOffset,
              length: event.bytes.length,
            });
            this.#sseFed += event.bytes.length;
            this.#pendingSse.push(...this.#sse.push(event.bytes).units);
          }
          break;
        case 'chunk':
          this.#onChunk(side, dir, event, atMs, units);
          break;
        case 'message-end': {
          if (side.pendingLayers.length === 0 && side.window.unitStart >= event.byteOffset + event.byteLength)
            break;
          const exchange = dir === 'in' ? this.#currentRequest : this.#currentResponse;
          this.#emit(side, units, {
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
        units.push(this.#raw(side, dir, atMs, result.error));
      }
    }
    if (result.upgraded && !side.ws) this.#startWs(side, dir, result.leftover, atMs, units);
  }

  #onHead(side: Side, dir: WireDirection, head: HeadEvent, atMs: number, units: DecodedUnit[]): void {
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
      this.#emit(side, units, {
        exchange: this.#currentResponse,
        dir,
        unit: 'ws-handshake',
        atMs,
        end: head.byteOffset + head.byteLength,
        layers: [...head.layers, ...handshakeLayers(this.#currentResponse.wsKey, head.headers)],
        messageSeqs: [],
      });
      this.#handleHttp(this.#in, 'in', this.#in.http.resolveUpgrade(true), atMs, units);
      return;
    }
    // A refused upgrade (403, 400) means the request side goes on as HTTP (a no-op when none is pending).
    this.#handleHttp(this.#in, 'in', this.#in.http.resolveUpgrade(false), atMs, units);
    const contentType =
      head.headers.find((header) => header.name.toLowerCase() === 'content-type')?.value ?? '';
    this.#sse = contentType.startsWith('text/event-stream') ? new SseParser() : null;
    this.#pendingSse = [];
    this.#sseSegments = [];
    this.#sseFed = 0;
    if (head.bodyMode === 'chunked' || head.bodyMode === 'until-close') {
      // A streaming response: show its head now, then each chunk as it comes.
      this.#emit(side, units, {
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

  #onChunk(side: Side, dir: WireDirection, chunk: ChunkEvent, atMs: number, units: DecodedUnit[]): void {
    const sse = this.#pendingSse;
    this.#pendingSse = [];
    // The blank line after a comment ends an empty block (`: heartbeat\n\n`): nothing EventSource dispatches or
    // remembers, so it does not make the chunk a second unit.
    const meaningful = sse.filter(
      (unit) =>
        unit.kind !== 'bom' &&
        !(unit.kind === 'event' && unit.status === 'no-data' && unit.layers.length <= 1),
    );
    let unit: WireUnit = 'http-chunk';
    const only = meaningful.length === 1 ? meaningful[0] : undefined;
    if (only?.kind === 'event') unit = 'sse-event';
    else if (only?.kind === 'comment') unit = 'sse-comment';
    const end = chunk.byteOffset + chunk.byteLength;
    // SSE layers count from the start of the de-chunked body; move them to where those bytes sat on the wire.
    const sseLayers = sse.flatMap((piece) => piece.layers.map((layer) => this.#toStream(layer)));
    const lastSegment = this.#sseSegments.at(-1);
    this.#sseSegments = lastSegment ? [lastSegment] : [];
    const seqs = meaningful.flatMap((piece) =>
      piece.kind === 'event' ? seqsIn(new TextEncoder().encode(piece.data)) : [],
    );
    this.#emit(side, units, {
      exchange: this.#currentResponse,
      dir,
      unit,
      atMs,
      end,
      layers: [...chunk.layers.slice(0, 1), ...sseLayers, ...chunk.layers.slice(1)],
      messageSeqs: seqs,
    });
  }

  #streamOffsetOfBody(bodyOffset: number): number {
    const segment =
      this.#sseSegments.find(
        (piece) => bodyOffset >= piece.bodyOffset && bodyOffset < piece.bodyOffset + piece.length,
      ) ?? this.#sseSegments.at(-1);
    return segment ? segment.streamOffset + (bodyOffset - segment.bodyOffset) : bodyOffset;
  }

  #toStream(layer: Layer): Layer {
    layer.byteOffset = this.#streamOffsetOfBody(layer.byteOffset);
    for (const field of layer.fields) field.byteOffset = this.#streamOffsetOfBody(field.byteOffset);
    return layer;
  }

  #startWs(side: Side, dir: WireDirection, leftover: Uint8Array, atMs: number, units: DecodedUnit[]): void {
    side.ws = new WsFrameDecoder({
      // The tap hands over each chunk as it crossed the socket and nothing changes it afterwards.
      viewChunks: true,
      maxKeptPayloadBytes: this.#options.maxScanBytes,
      sender: dir === 'in' ? 'client' : 'server',
      permessageDeflate: this.#deflate !== null,
    });
    side.messages = new WsMessageStream({
      deflate: this.#deflateFor(dir),
      maxKeptBytes: this.#options.maxScanBytes,
      maxInflatedBytes: this.#options.maxScanBytes,
    });
    side.read = {
      describe: { sender: dir === 'in' ? 'client' : 'server', permessageDeflate: this.#deflate !== null },
      deflate: { negotiated: this.#deflate, direction: this.#deflateFor(dir) },
      maxUnitBytes: this.#options.maxUnitBytes,
      maxScanBytes: this.#options.maxScanBytes,
    };
    side.wsBase = side.window.end - leftover.length;
    if (leftover.length > 0) this.#pushWs(side, dir, leftover, atMs, units);
  }

  #pushWs(side: Side, dir: WireDirection, chunk: Uint8Array, atMs: number, units: DecodedUnit[]): void {
    const decoder = side.ws;
    const read = side.read;
    if (!decoder || !read) return;
    const result = decoder.pushRaw(chunk);
    for (const raw of result.frames) {
      // Frame offsets count from the first WebSocket byte; the window counts from the connection's first.
      const taken = side.window.take(side.wsBase + raw.byteOffset + raw.byteLength);
      const whole = taken.byteOffset === side.wsBase + raw.byteOffset ? taken.bytes : new Uint8Array(0);
      let details: UnitDetails | PendingDetails | null =
        this.#options.deferReading === false ? null : deferWsFrame(raw, whole, side.messages, read);
      if (!details) {
        const frame = describeWsFrame(raw, read.describe);
        const place = side.messages?.push(frame) ?? null;
        if (frame.close) side.closeSent = { code: frame.close.code, reason: frame.close.reason };
        const delta = side.wsBase - taken.byteOffset;
        details = wsFrameDetails(frame, place, read.deflate, delta, this.#options.maxUnitBytes);
      }
      units.push({
        connId: this.#connId,
        exchange: this.#upgraded ?? UNKNOWN_EXCHANGE,
        dir,
        unit: 'ws-frame',
        atMs,
        byteLength: taken.byteLength,
        bytes: taken.bytes,
        details,
      });
    }
    if (result.error) {
      side.failed = true;
      units.push(this.#raw(side, dir, atMs, result.error));
    }
  }

  #deflateFor(dir: WireDirection) {
    if (!this.#deflate) return null;
    return dir === 'in' ? this.#deflate.client : this.#deflate.server;
  }
}
