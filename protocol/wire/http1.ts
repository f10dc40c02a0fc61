/**
 * Incremental HTTP/1.1 parser for one direction of one TCP connection (RFC 9112): requests for
 * the bytes a server read ('in'), responses for the bytes it wrote ('out'). Several messages in a
 * row (keep-alive), Content-Length and chunked bodies, and the switch to WebSocket after 101.
 * Streaming bodies are reported as they arrive. It never throws; a malformed head stops it.
 */
import { ByteQueue } from './bytes.ts';
import { bodyFraming, bodyLayer, chunkLayers, parseChunkSize } from './http1-body.ts';
import {
  type Http1Header,
  headerValue,
  type ParsedHead,
  parseFieldLines,
  parseHead,
  splitLines,
} from './http1-head.ts';
import type { HeadEvent, Http1Event, Http1PushResult } from './http1-types.ts';
import { type DecodeError, decodeError, type Layer } from './layers.ts';

export type { ChunkEvent } from './http1-body.ts';
export type { Http1Header, RequestLine, StatusLine } from './http1-head.ts';
export type * from './http1-types.ts';

/** A head (or trailer section) bigger than this is an error, not a reason to buffer forever. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** A chunk-size line with its extensions (RFC 9112 7.1.1) longer than this is an error. */
export const MAX_CHUNK_SIZE_LINE_BYTES = 4096;
/** Body bytes kept per body or chunk for display; the rest is counted and passed on in body-data. */
export const DEFAULT_MAX_KEPT_BODY_BYTES = 4096;
/** Bytes held while a request's Upgrade waits for the server's answer. */
export const MAX_PENDING_UPGRADE_BYTES = 64 * 1024;

export interface Http1ParserOptions {
  /** 'in': bytes the server read (requests). 'out': bytes it wrote (responses). */
  direction: 'in' | 'out';
  maxKeptBodyBytes?: number;
}

type State =
  | 'head'
  | 'body-length'
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-end'
  | 'trailers'
  | 'until-close'
  | 'upgrade-pending'
  | 'upgraded'
  | 'failed';

export class Http1Parser {
  private readonly isRequest: boolean;
  private readonly maxKept: number;
  private readonly buf = new ByteQueue();
  private state: State = 'head';
  private offset = 0;
  private messageIndex = -1;
  private messageStart = 0;
  private head: HeadEvent | null = null;
  private remaining = 0;
  private bodyLength = 0;
  private kept: Uint8Array[] = [];
  private keptLength = 0;
  private pieceStart = 0;
  private chunk: { size: number; sizeLine: Uint8Array; extension: string } | null = null;
  private readonly methods: string[] = [];
  private events: Http1Event[] = [];
  /** Bytes after a 101 that belong to the next protocol, handed back once. */
  private pendingLeftover: Uint8Array | null = null;
  private error: DecodeError | null = null;

  constructor(options: Http1ParserOptions) {
    this.isRequest = options.direction === 'in';
    this.maxKept = Math.max(0, options.maxKeptBodyBytes ?? DEFAULT_MAX_KEPT_BODY_BYTES);
  }

  /** Tells a response parser the method of the next request on this connection, in order. */
  expectResponseTo(method: string): void {
    this.methods.push(method.toUpperCase());
  }

  get upgraded(): boolean {
    return this.state === 'upgraded';
  }

  push(chunk: Uint8Array): Http1PushResult {
    if (this.state === 'failed') return this.result();
    if (this.state === 'upgraded') return { ...this.result(), leftover: chunk.slice() };
    this.buf.push(chunk);
    if (this.state === 'upgrade-pending' && this.buf.length > MAX_PENDING_UPGRADE_BYTES) {
      this.fail('HTTP_UPGRADE_PENDING_OVERFLOW', 'too many bytes arrived before the upgrade was answered');
    }
    // Each step consumes bytes or returns false; so the loop ends.
    while (this.step()) {}
    return this.result();
  }

  /**
   * For requests that asked to Upgrade: call with true once the response was 101 (the rest is
   * WebSocket), or false when the server answered normally (parsing continues as HTTP).
   */
  resolveUpgrade(accepted: boolean): Http1PushResult {
    if (this.state !== 'upgrade-pending') return this.result();
    if (accepted) {
      this.switchProtocols();
      return this.result();
    }
    this.state = 'head';
    while (this.step()) {}
    return this.result();
  }

  /** The connection closed: a read-until-close body ends here; anything else unfinished is an error. */
  end(): Http1PushResult {
    if (this.state === 'until-close') this.finishBody();
    else if (this.state === 'head' && this.buf.length === 0) {
      // A clean close between messages.
    } else if (this.state !== 'failed' && this.state !== 'upgraded' && this.state !== 'upgrade-pending') {
      this.fail(
        'HTTP_INCOMPLETE_MESSAGE',
        `the connection closed in the middle of a message (${this.state})`,
      );
    }
    return this.result();
  }

  private result(): Http1PushResult {
    const events = this.events;
    this.events = [];
    const error = this.error;
    this.error = null;
    const leftover = this.pendingLeftover ?? new Uint8Array(0);
    this.pendingLeftover = null;
    return { events, error, upgraded: this.state === 'upgraded', leftover };
  }

  private fail(code: string, message: string): void {
    this.state = 'failed';
    this.error = decodeError(code, message, this.offset);
  }

  private step(): boolean {
    switch (this.state) {
      case 'head':
        return this.readHead();
      case 'body-length':
      case 'chunk-data':
      case 'until-close':
        return this.readBodyBytes();
      case 'chunk-size':
        return this.readChunkSize();
      case 'chunk-end':
        return this.readChunkEnd();
      case 'trailers':
        return this.readTrailers();
      case 'upgrade-pending':
      case 'upgraded':
      case 'failed':
        return false;
    }
  }

  /** Index just past the first empty line (RFC 9112 2.1), or -1 while the head is incomplete. */
  private headEnd(allowLeadingBlank: boolean): number {
    const bytes = this.buf.view();
    let lineStart = 0;
    let sawContent = false;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0x0a) continue;
      const empty = i === lineStart || (i === lineStart + 1 && bytes[lineStart] === 0x0d);
      if (empty && (sawContent || !allowLeadingBlank)) return i + 1;
      if (!empty) sawContent = true;
      lineStart = i + 1;
    }
    return -1;
  }

  private readHead(): boolean {
    if (this.buf.length === 0) return false;
    const end = this.headEnd(true);
    if (end < 0) {
      if (this.buf.length > MAX_HEAD_BYTES)
        this.fail('HTTP_HEAD_TOO_LARGE', `the head is over ${MAX_HEAD_BYTES} bytes`);
      return false;
    }
    if (end > MAX_HEAD_BYTES) {
      this.fail('HTTP_HEAD_TOO_LARGE', `the head is over ${MAX_HEAD_BYTES} bytes`);
      return false;
    }
    const start = this.offset;
    const parsed = parseHead(this.buf.take(end), start, this.isRequest);
    this.offset += end;
    if (!parsed.ok) {
      this.state = 'failed';
      this.error = parsed.error;
      return false;
    }
    this.messageIndex++;
    this.messageStart = start;
    this.bodyLength = 0;
    const head = this.buildHead(parsed.value, start, end);
    if (!head) return false;
    this.head = head;
    this.events.push(head);
    const status = head.response?.status ?? 0;
    if (head.response && status === 101) {
      this.endMessage();
      return this.switchProtocols();
    }
    if (head.bodyMode === 'none') {
      this.endMessage();
      if (this.isRequest && headerValue(head.headers, 'upgrade') !== null) this.state = 'upgrade-pending';
      return true;
    }
    this.startBody(
      head.bodyMode === 'chunked'
        ? 'chunk-size'
        : head.bodyMode === 'until-close'
          ? 'until-close'
          : 'body-length',
    );
    this.remaining = head.contentLength ?? 0;
    return true;
  }

  /** RFC 9112 6.3: how the length of the body is determined. */
  private buildHead(parsed: ParsedHead, start: number, length: number): HeadEvent | null {
    const status = parsed.response?.status ?? 0;
    let requestMethod: string | null = null;
    if (parsed.response && (status >= 200 || status === 101)) requestMethod = this.methods.shift() ?? 'GET';
    else if (parsed.response) requestMethod = this.methods[0] ?? 'GET';
    const framing = bodyFraming(parsed, this.isRequest, requestMethod);
    if (!framing.ok) {
      this.fail(framing.error.code, framing.error.message);
      return null;
    }
    const { bodyMode, contentLength } = framing.value;
    return {
      kind: 'head',
      messageIndex: this.messageIndex,
      byteOffset: start,
      byteLength: length,
      ...parsed,
      bodyMode,
      contentLength,
      requestMethod,
    };
  }

  private switchProtocols(): boolean {
    this.state = 'upgraded';
    this.events.push({ kind: 'upgrade', messageIndex: this.messageIndex, byteOffset: this.offset });
    this.pendingLeftover = this.buf.take(this.buf.length);
    return false;
  }

  private startBody(state: State): void {
    this.state = state;
    this.kept = [];
    this.keptLength = 0;
    this.pieceStart = this.offset;
  }

  private readBodyBytes(): boolean {
    if (this.buf.length === 0) return false;
    const n = this.state === 'until-close' ? this.buf.length : Math.min(this.remaining, this.buf.length);
    const bytes = this.buf.take(n);
    this.events.push({ kind: 'body-data', messageIndex: this.messageIndex, byteOffset: this.offset, bytes });
    if (this.keptLength < this.maxKept) {
      const piece = bytes.subarray(0, this.maxKept - this.keptLength);
      this.kept.push(piece);
      this.keptLength += piece.length;
    }
    this.offset += n;
    this.bodyLength += n;
    this.remaining -= n;
    if (this.state === 'body-length' && this.remaining === 0) this.finishBody();
    else if (this.state === 'chunk-data' && this.remaining === 0) this.state = 'chunk-end';
    return true;
  }

  private keptBytes(): Uint8Array {
    const out = new Uint8Array(this.keptLength);
    let at = 0;
    for (const piece of this.kept) {
      out.set(piece, at);
      at += piece.length;
    }
    return out;
  }

  private finishBody(): void {
    const byteLength = this.offset - this.pieceStart;
    const data = this.keptBytes();
    this.events.push({
      kind: 'body',
      messageIndex: this.messageIndex,
      byteOffset: this.pieceStart,
      byteLength,
      data,
      truncated: data.length < byteLength,
      layers: [bodyLayer(this.pieceStart, byteLength, data, this.head)],
    });
    this.endMessage();
  }

  private endMessage(): void {
    const head = this.head;
    const connection = (head ? (headerValue(head.headers, 'connection') ?? '') : '').toLowerCase();
    const version = head?.request?.version ?? head?.response?.version ?? 'HTTP/1.1';
    const keepAlive =
      version === 'HTTP/1.0' ? connection.includes('keep-alive') : !connection.includes('close');
    this.events.push({
      kind: 'message-end',
      messageIndex: this.messageIndex,
      byteOffset: this.messageStart,
      byteLength: this.offset - this.messageStart,
      bodyLength: this.bodyLength,
      keepAlive,
    });
    this.state = 'head';
  }

  /** RFC 9112 7.1: chunk-size in hex, optional ;extensions, CRLF. */
  private readChunkSize(): boolean {
    const bytes = this.buf.view();
    const lf = bytes.indexOf(0x0a);
    if (lf < 0) {
      if (bytes.length > MAX_CHUNK_SIZE_LINE_BYTES)
        this.fail('HTTP_CHUNK_SIZE_LINE_TOO_LONG', 'a chunk-size line is too long');
      return false;
    }
    const line = this.buf.take(lf + 1);
    const parsed = parseChunkSize(line);
    if (!parsed.ok) {
      this.state = 'failed';
      this.error = { ...parsed.error, byteOffset: this.offset };
      return false;
    }
    this.pieceStart = this.offset;
    this.offset += line.length;
    this.chunk = { size: parsed.value.size, sizeLine: line, extension: parsed.value.extension };
    this.kept = [];
    this.keptLength = 0;
    this.remaining = parsed.value.size;
    this.state = parsed.value.size === 0 ? 'trailers' : 'chunk-data';
    return true;
  }

  private readChunkEnd(): boolean {
    const first = this.buf.at(0);
    if (first === undefined) return false;
    if (first === 0x0d && this.buf.length < 2) return false;
    const crlf = first === 0x0d && this.buf.at(1) === 0x0a ? 2 : first === 0x0a ? 1 : 0;
    if (crlf === 0) {
      this.fail('HTTP_BAD_CHUNK_END', 'chunk data must be followed by CRLF (RFC 9112 7.1)');
      return false;
    }
    this.buf.take(crlf);
    this.offset += crlf;
    this.emitChunk(crlf, []);
    this.state = 'chunk-size';
    return true;
  }

  /** RFC 9112 7.1.2: optional trailer fields after the last chunk, then an empty line. */
  private readTrailers(): boolean {
    const end = this.headEnd(false);
    if (end < 0) {
      if (this.buf.length > MAX_HEAD_BYTES)
        this.fail('HTTP_HEAD_TOO_LARGE', `the trailers are over ${MAX_HEAD_BYTES} bytes`);
      return false;
    }
    const start = this.offset;
    const parsed = parseFieldLines(splitLines(this.buf.take(end), start), 'Trailer');
    this.offset += end;
    if (!parsed.ok) {
      this.state = 'failed';
      this.error = parsed.error;
      return false;
    }
    this.emitChunk(0, parsed.value.layers, parsed.value.headers);
    this.endMessage();
    return true;
  }

  private emitChunk(crlfLength: number, trailerLayers: Layer[], trailers: Http1Header[] = []): void {
    const chunk = this.chunk;
    if (!chunk) return;
    const data = this.keptBytes();
    const byteLength = this.offset - this.pieceStart;
    this.events.push({
      kind: 'chunk',
      messageIndex: this.messageIndex,
      byteOffset: this.pieceStart,
      byteLength,
      size: chunk.size,
      extension: chunk.extension,
      last: chunk.size === 0,
      data,
      truncated: data.length < chunk.size,
      trailers,
      layers: [
        ...chunkLayers(this.pieceStart, chunk.sizeLine, chunk.size, data, crlfLength),
        ...trailerLayers,
      ],
    });
    this.chunk = null;
  }
}
