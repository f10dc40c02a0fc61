/**
 * One direction of a connection after its 101: bytes cut into frames, each frame a unit, read now or kept
 * to be read later (ws-frame-unit.ts), with the message state (fragments joined, compressed messages
 * inflated) that reading in order needs.
 */
import type { DecodeError } from '../../protocol/wire/layers.ts';
import type { DeflateDirection, NegotiatedDeflate } from '../../protocol/wire/ws-deflate.ts';
import { describeWsFrame, WsFrameDecoder, type WsSplitFrame } from '../../protocol/wire/ws-frame.ts';
import { WsMessageStream } from '../../protocol/wire/ws-message-stream.ts';
import type { ByteWindow } from './byte-window.ts';
import { DescribedUnit, type UnitRows } from './decoded-unit.ts';
import { type Exchange, wsFrameDetails } from './unit-details.ts';
import { FIRST_TABLE_ROWS, MAX_TABLE_ROWS, WsFrameTable, type WsReadContext } from './ws-frame-unit.ts';

export interface WsStreamOptions {
  connId: number;
  exchange: Exchange;
  dir: 'in' | 'out';
  /** permessage-deflate as the 101 agreed it, null when not. */
  deflate: NegotiatedDeflate | null;
  maxUnitBytes: number;
  maxScanBytes: number;
  /** False reads every frame at once (tests compare both ways). */
  deferReading: boolean;
}

/** Told each unit as it is cut off: a unit object (row 0), or a row of a table of frames read later. */
export type UnitListener = (units: UnitRows, row: number, exchange: Exchange) => void;

export class WsStream {
  readonly #window: ByteWindow;
  /** Offset in the direction's stream where WebSocket bytes begin: frame offsets count from here. */
  readonly #base: number;
  readonly #decoder: WsFrameDecoder;
  /** Which message each data frame belongs to; joins and inflates them. */
  readonly #messages: WsMessageStream;
  readonly #context: WsReadContext;
  readonly #deferReading: boolean;
  readonly #emit: UnitListener;
  /** Where frames read later are kept; a new one, twice as big, when it fills. */
  #table: WsFrameTable | null = null;
  /** The time of the chunk being split, for the frames it completes. */
  #atMs = 0;
  /** The Close frame this side sent, once seen. */
  closeSent: { code: number | null; reason: string } | null = null;

  constructor(window: ByteWindow, base: number, options: WsStreamOptions, emit: UnitListener) {
    this.#window = window;
    this.#base = base;
    this.#emit = emit;
    this.#deferReading = options.deferReading;
    const sender = options.dir === 'in' ? 'client' : 'server';
    const direction: DeflateDirection | null = options.deflate
      ? options.dir === 'in'
        ? options.deflate.client
        : options.deflate.server
      : null;
    this.#decoder = new WsFrameDecoder({
      // The tap hands over each chunk as it crossed the socket and nothing changes it afterwards.
      viewChunks: true,
      maxKeptPayloadBytes: options.maxScanBytes,
      sender,
      permessageDeflate: options.deflate !== null,
    });
    this.#messages = new WsMessageStream({
      deflate: direction,
      maxKeptBytes: options.maxScanBytes,
      maxInflatedBytes: options.maxScanBytes,
    });
    this.#context = {
      connId: options.connId,
      exchange: options.exchange,
      dir: options.dir,
      describe: { sender, permessageDeflate: options.deflate !== null },
      deflate: { negotiated: options.deflate, direction },
      maxUnitBytes: options.maxUnitBytes,
      maxScanBytes: options.maxScanBytes,
    };
  }

  /** Emits a unit per frame the chunk completes; the error that stopped the stream, if it did. */
  push(chunk: Uint8Array, atMs: number): DecodeError | null {
    this.#atMs = atMs;
    return this.#decoder.splitFrames(chunk, this.#onFrame);
  }

  // One closure per stream, not one per chunk.
  readonly #onFrame = (frame: WsSplitFrame): void => {
    const taken = this.#window.take(this.#base + frame.byteOffset + frame.byteLength);
    const atMs = this.#atMs;
    const context = this.#context;
    if (this.#deferReading) {
      let table = this.#table;
      if (table === null || table.isFull) {
        table = new WsFrameTable(
          context,
          table ? Math.min(MAX_TABLE_ROWS, table.rows * 2) : FIRST_TABLE_ROWS,
        );
        this.#table = table;
      }
      const row = table.defer(frame, taken, atMs, this.#messages);
      if (row >= 0) {
        this.#emit(table, row, context.exchange);
        return;
      }
    }
    const described = describeWsFrame(frame.raw(), context.describe);
    const place = this.#messages.push(described);
    if (described.close) this.closeSent = { code: described.close.code, reason: described.close.reason };
    // Frame layers count from the first WebSocket byte; the unit's bytes from its own first.
    const delta = this.#base - taken.byteOffset;
    const details = wsFrameDetails(described, place, context.deflate, delta, context.maxUnitBytes);
    this.#emit(
      new DescribedUnit(
        { connId: context.connId, exchange: context.exchange, dir: context.dir, unit: 'ws-frame', atMs },
        taken.byteLength,
        taken,
        details,
      ),
      0,
      context.exchange,
    );
  };
}
