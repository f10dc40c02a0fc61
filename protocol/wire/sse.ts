/**
 * text/event-stream parser following the WHATWG HTML Standard, 9.2.6 "Interpreting an event
 * stream": UTF-8, one leading BOM stripped, lines ended by CRLF, LF or CR, comments start with ':',
 * `data` lines joined with LF, a blank line dispatches. It is incremental and byte-based, so every
 * line keeps its exact byte range in the stream (CR and LF never occur inside a UTF-8 sequence).
 */
import { ByteQueue, decodeUtf8 } from './bytes.ts';
import { type DecodeError, decodeError, type Layer } from './layers.ts';
import { lineLayer, type SseLine } from './sse-layers.ts';

/** A line longer than this is reported and skipped rather than buffered without end. */
export const MAX_SSE_LINE_BYTES = 1024 * 1024;
/** The data buffer of one event stops growing here; the event is marked truncated. */
export const MAX_SSE_EVENT_DATA_BYTES = 1024 * 1024;
/** Lines of one event that get their own layer; the rest are only counted. */
export const MAX_SSE_LAYERS_PER_EVENT = 1000;

const CR = 0x0d;
const LF = 0x0a;
const BOM = [0xef, 0xbb, 0xbf];

export interface SseEvent {
  kind: 'event';
  /**
   * dispatched: a blank line fired it. no-data: a blank line ended a block with an empty data
   * buffer, so nothing fired (WHATWG 9.2.6 "dispatch the event" step 2). unterminated: the stream
   * ended before the blank line, so it was discarded.
   */
  status: 'dispatched' | 'no-data' | 'unterminated';
  /** The event type listeners see ("message" unless an `event` field said otherwise). */
  type: string;
  data: string;
  /** The last event ID after this block (it persists across events, WHATWG 9.2.6). */
  lastEventId: string;
  /** Set when this block had a valid `retry` field. */
  retryMs: number | null;
  truncated: boolean;
  lossy: boolean;
  byteOffset: number;
  byteLength: number;
  linesOmitted: number;
  layers: Layer[];
}

export interface SseComment {
  kind: 'comment';
  text: string;
  lossy: boolean;
  byteOffset: number;
  byteLength: number;
  layers: Layer[];
}

export interface SseBom {
  kind: 'bom';
  byteOffset: number;
  byteLength: number;
  layers: Layer[];
}

export type SseUnit = SseEvent | SseComment | SseBom;

export interface SsePushResult {
  units: SseUnit[];
  errors: DecodeError[];
}

export class SseParser {
  private offset = 0;
  private bomSeen = 0;
  private bomDone = false;
  private readonly line = new ByteQueue();
  private lineStart = 0;
  private skippingLine = false;
  private pendingCR = false;
  private lastEventId = '';
  private reconnectionMs: number | null = null;
  private block = emptyBlock(0);
  private units: SseUnit[] = [];
  private errors: DecodeError[] = [];

  /** The reconnection time set by the latest valid `retry` field, if any. */
  get retryMs(): number | null {
    return this.reconnectionMs;
  }

  push(chunk: Uint8Array): SsePushResult {
    let i = 0;
    // WHATWG 9.2.6: one leading U+FEFF is ignored; it may arrive split across reads.
    while (!this.bomDone && i < chunk.length) {
      if (chunk[i] === BOM[this.bomSeen]) {
        this.bomSeen++;
        i++;
        if (this.bomSeen === 3) this.finishBom(true);
      } else this.finishBom(false);
    }
    if (i < chunk.length) this.scan(chunk.subarray(i));
    return this.drain();
  }

  /** The stream closed: a CR waiting for a possible LF ends its line; an open block is discarded. */
  end(): SsePushResult {
    if (!this.bomDone) this.finishBom(false);
    if (this.pendingCR) {
      this.pendingCR = false;
      this.endLine(1);
    }
    const partial = this.line.length;
    if (partial > 0 || this.block.lines.length > 0 || this.block.linesOmitted > 0) {
      const event = this.blockEvent('unterminated', this.lineStart + partial);
      if (partial > 0 && !this.skippingLine) event.layers.push(unterminatedLayer(this.lineStart, partial));
      this.units.push(event);
    }
    this.line.take(this.line.length);
    this.block = emptyBlock(this.offset);
    return this.drain();
  }

  private finishBom(found: boolean): void {
    this.bomDone = true;
    if (found) {
      this.units.push({
        kind: 'bom',
        byteOffset: 0,
        byteLength: 3,
        layers: [
          {
            name: 'Byte order mark',
            byteOffset: 0,
            byteLength: 3,
            fields: [
              {
                name: 'BOM',
                byteOffset: 0,
                byteLength: 3,
                value: 'EF BB BF',
                meaning:
                  'U+FEFF at the very start: the parser skips one of these, it is not part of any line (WHATWG HTML 9.2.6).',
              },
            ],
          },
        ],
      });
      this.offset = 3;
      this.lineStart = 3;
      this.block = emptyBlock(3);
    } else if (this.bomSeen > 0) {
      // The bytes looked like the start of a BOM but were not: they are ordinary line bytes.
      const held = Uint8Array.from(BOM.slice(0, this.bomSeen));
      this.scan(held);
    }
  }

  private scan(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.pendingCR) {
        this.pendingCR = false;
        if (chunk[i] === LF) {
          this.offset++;
          i++;
          this.endLine(2);
          continue;
        }
        this.endLine(1);
      }
      let j = i;
      while (j < chunk.length && chunk[j] !== CR && chunk[j] !== LF) j++;
      this.append(chunk.subarray(i, j));
      if (j === chunk.length) break;
      this.offset++;
      i = j + 1;
      // A CR may be the first half of CRLF; wait for the next byte so byte ranges stay exact.
      if (chunk[j] === CR) this.pendingCR = true;
      else this.endLine(1);
    }
  }

  private append(bytes: Uint8Array): void {
    this.offset += bytes.length;
    if (this.skippingLine || bytes.length === 0) return;
    if (this.line.length + bytes.length > MAX_SSE_LINE_BYTES) {
      this.errors.push(
        decodeError(
          'SSE_LINE_TOO_LONG',
          `a line is longer than ${MAX_SSE_LINE_BYTES} bytes; it is skipped`,
          this.lineStart,
        ),
      );
      this.line.take(this.line.length);
      this.skippingLine = true;
      return;
    }
    this.line.push(bytes);
  }

  private endLine(terminatorLength: number): void {
    const start = this.lineStart;
    const bytes = this.line.take(this.line.length);
    this.lineStart = this.offset;
    if (this.skippingLine) {
      this.skippingLine = false;
      this.block.linesOmitted++;
      return;
    }
    const line = parseLine(bytes, start, terminatorLength);
    if (line.kind === 'blank') {
      if (this.block.lines.length === 0 && this.block.linesOmitted === 0) this.block.start = start;
      this.block.lines.push(lineLayer(line));
      this.dispatch();
      return;
    }
    if (line.kind === 'comment') {
      this.units.push({
        kind: 'comment',
        text: line.value,
        lossy: line.lossy,
        byteOffset: start,
        byteLength: this.offset - start,
        layers: [lineLayer(line)],
      });
      return;
    }
    this.applyField(line);
  }

  /** WHATWG 9.2.6 "process the field". */
  private applyField(line: SseLine): void {
    const block = this.block;
    if (block.lines.length === 0 && block.linesOmitted === 0) block.start = line.byteOffset;
    if (block.lines.length < MAX_SSE_LAYERS_PER_EVENT) block.lines.push(lineLayer(line));
    else block.linesOmitted++;
    block.lossy ||= line.lossy;
    switch (line.name) {
      case 'event':
        block.type = line.value;
        break;
      case 'data': {
        if (block.dataBytes + line.valueBytes + 1 > MAX_SSE_EVENT_DATA_BYTES) {
          if (!block.truncated) {
            this.errors.push(
              decodeError(
                'SSE_EVENT_TOO_LARGE',
                `event data is over ${MAX_SSE_EVENT_DATA_BYTES} bytes`,
                line.byteOffset,
              ),
            );
          }
          block.truncated = true;
          break;
        }
        block.data += `${line.value}\n`;
        block.dataBytes += line.valueBytes + 1;
        break;
      }
      case 'id':
        if (!line.value.includes('\u0000')) this.lastEventId = line.value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(line.value)) {
          this.reconnectionMs = Number.parseInt(line.value, 10);
          block.retryMs = this.reconnectionMs;
        }
        break;
      default:
        break;
    }
  }

  /** WHATWG 9.2.6 "dispatch the event", on a blank line. */
  private dispatch(): void {
    const hasData = this.block.data !== '';
    this.units.push(this.blockEvent(hasData ? 'dispatched' : 'no-data', this.offset));
    this.block = emptyBlock(this.offset);
  }

  private blockEvent(status: SseEvent['status'], end: number): SseEvent {
    const block = this.block;
    const start = block.lines.length > 0 || block.linesOmitted > 0 ? block.start : this.lineStart;
    const data = block.data.endsWith('\n') ? block.data.slice(0, -1) : block.data;
    return {
      kind: 'event',
      status,
      type: block.type === '' ? 'message' : block.type,
      data,
      lastEventId: this.lastEventId,
      retryMs: block.retryMs,
      truncated: block.truncated,
      lossy: block.lossy,
      byteOffset: start,
      byteLength: end - start,
      linesOmitted: block.linesOmitted,
      layers: block.lines,
    };
  }

  private drain(): SsePushResult {
    const result = { units: this.units, errors: this.errors };
    this.units = [];
    this.errors = [];
    return result;
  }
}

export function createSseParser(): SseParser {
  return new SseParser();
}

/** Parses a whole stream that has ended (tests, fixtures). */
export function parseEventStream(bytes: Uint8Array): SsePushResult {
  const parser = new SseParser();
  const first = parser.push(bytes);
  const last = parser.end();
  return { units: [...first.units, ...last.units], errors: [...first.errors, ...last.errors] };
}

interface Block {
  start: number;
  type: string;
  data: string;
  dataBytes: number;
  retryMs: number | null;
  truncated: boolean;
  lossy: boolean;
  lines: Layer[];
  linesOmitted: number;
}

function emptyBlock(start: number): Block {
  return {
    start,
    type: '',
    data: '',
    dataBytes: 0,
    retryMs: null,
    truncated: false,
    lossy: false,
    lines: [],
    linesOmitted: 0,
  };
}

/** WHATWG 9.2.6: split at the first colon; drop one space after it; no colon means an empty value. */
function parseLine(bytes: Uint8Array, byteOffset: number, terminatorLength: number): SseLine {
  const base = { byteOffset, terminatorLength, contentLength: bytes.length };
  if (bytes.length === 0)
    return {
      ...base,
      kind: 'blank',
      name: '',
      value: '',
      valueBytes: 0,
      colon: -1,
      space: false,
      lossy: false,
    };
  const colon = bytes.indexOf(0x3a);
  const nameBytes = colon < 0 ? bytes : bytes.subarray(0, colon);
  const space = colon >= 0 && bytes[colon + 1] === 0x20;
  const valueBytes = colon < 0 ? new Uint8Array(0) : bytes.subarray(colon + (space ? 2 : 1));
  const name = decodeUtf8(nameBytes);
  const value = decodeUtf8(colon === 0 ? bytes.subarray(1) : valueBytes);
  return {
    ...base,
    kind: colon === 0 ? 'comment' : 'field',
    name: name.text,
    value: value.text,
    valueBytes: valueBytes.length,
    colon,
    space: colon !== 0 && space,
    lossy: name.lossy || value.lossy,
  };
}

function unterminatedLayer(byteOffset: number, byteLength: number): Layer {
  return {
    name: 'Unterminated line',
    byteOffset,
    byteLength,
    fields: [
      {
        name: 'Incomplete line',
        byteOffset,
        byteLength,
        value: byteLength,
        meaning:
          'The stream ended before this line was finished, so the parser throws it away (WHATWG HTML 9.2.6).',
      },
    ],
  };
}
