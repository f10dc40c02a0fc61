/** Events of the HTTP/1.1 parser (http1.ts), one per thing the page can draw or a decoder can consume. */
import type { ChunkEvent } from './http1-body.ts';
import type { ParsedHead } from './http1-head.ts';
import type { DecodeError, Layer } from './layers.ts';

export type BodyMode = 'none' | 'content-length' | 'chunked' | 'until-close';

export interface HeadEvent extends ParsedHead {
  kind: 'head';
  messageIndex: number;
  byteOffset: number;
  byteLength: number;
  bodyMode: BodyMode;
  contentLength: number | null;
  /** For responses: the request method it answers (from expectResponseTo, else GET). */
  requestMethod: string | null;
}

/** Body bytes (chunk framing removed) as they arrive: feed these to an SSE parser. No layers. */
export interface BodyDataEvent {
  kind: 'body-data';
  messageIndex: number;
  byteOffset: number;
  bytes: Uint8Array;
}

/** A Content-Length body once complete, or a read-until-close body at end(). */
export interface BodyEvent {
  kind: 'body';
  messageIndex: number;
  byteOffset: number;
  byteLength: number;
  data: Uint8Array;
  truncated: boolean;
  layers: Layer[];
}

export interface MessageEndEvent {
  kind: 'message-end';
  messageIndex: number;
  byteOffset: number;
  byteLength: number;
  bodyLength: number;
  /** False when Connection: close (or HTTP/1.0 without keep-alive) ends the connection after it. */
  keepAlive: boolean;
}

export interface UpgradeEvent {
  kind: 'upgrade';
  messageIndex: number;
  /** Where the WebSocket bytes begin in this direction's stream. */
  byteOffset: number;
}

export type Http1Event = HeadEvent | BodyDataEvent | BodyEvent | ChunkEvent | MessageEndEvent | UpgradeEvent;

export interface Http1PushResult {
  events: Http1Event[];
  /** Set once when the stream stopped being parseable HTTP; later pushes return nothing. */
  error: DecodeError | null;
  /** True once the connection switched protocols; `leftover` then holds bytes that are not HTTP. */
  upgraded: boolean;
  leftover: Uint8Array;
}
