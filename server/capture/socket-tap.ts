/**
 * The tap: sees every byte one accepted TCP socket reads and writes, with the time it crossed, and
 * parses nothing. Reads come from a `data` listener put first in line; writes from wrapping the
 * socket's own `_write`/`_writev`, the point where Node hands bytes to the kernel, so HTTP responses,
 * SSE chunks and WebSocket frames are all seen exactly as sent, in order.
 *
 * Adding a `data` listener makes Node's HTTP server stop reading the socket natively (`unconsume`), a
 * small cost per HTTP request; that is why the recorder taps only sockets accepted while someone is
 * watching, and detaches from upgraded sockets nobody watches. Capture off touches no socket.
 */
import type { Socket } from 'node:net';

export interface TapSink {
  /** Bytes the socket read. */
  read(chunk: Uint8Array, atMs: number): void;
  /** Bytes about to be written. */
  written(chunk: Uint8Array, atMs: number): void;
  /**
   * A string about to be written (an HTTP head in latin1, a body or a `ws` text payload in utf8): the sink
   * encodes it, once, and returns the bytes; Node writes those instead of encoding the string again.
   */
  writtenString(text: string, encoding: BufferEncoding, atMs: number): Uint8Array;
  closed(atMs: number): void;
}

export interface SocketTap {
  /** Stops observing; the socket works exactly as before. Idempotent. */
  detach(): void;
}

type WriteFn = (chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void) => void;
type WritevFn = (
  chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>,
  callback: (error?: Error | null) => void,
) => void;

/** The implementation hooks of a Writable: what Node calls when it actually writes to the socket. */
interface WritableHooks {
  _write: WriteFn;
  _writev?: WritevFn;
}

/** Fixed for the life of the process; read once, as the getter goes into Node's C++ on every call. */
const TIME_ORIGIN_MS = performance.timeOrigin;

export function nowMs(): number {
  return TIME_ORIGIN_MS + performance.now();
}

/** What the sink records for a chunk, and what Node then writes: the same bytes. */
function recordWrite(sink: TapSink, chunk: unknown, encoding: BufferEncoding, atMs: number): Uint8Array {
  if (chunk instanceof Uint8Array) {
    sink.written(chunk, atMs);
    return chunk;
  }
  return sink.writtenString(String(chunk), encoding, atMs);
}

/**
 * What goes on to Node in place of a chunk the tap encoded: the encoded bytes themselves, so a string is
 * encoded once (here) instead of twice (here, then again by Node for the kernel). The same bytes reach
 * the wire either way.
 */
const ENCODED: BufferEncoding = 'buffer' as BufferEncoding;

export function tapSocket(socket: Socket, sink: TapSink): SocketTap {
  const hooks = socket as unknown as WritableHooks;
  const ownWrite = Object.hasOwn(socket, '_write') ? hooks._write : undefined;
  const ownWritev = Object.hasOwn(socket, '_writev') ? hooks._writev : undefined;
  const originalWrite = hooks._write;
  const originalWritev = hooks._writev;
  let attached = true;

  const onData = (chunk: Buffer) => {
    if (attached) sink.read(chunk, nowMs());
  };
  const onClose = () => {
    if (attached) sink.closed(nowMs());
    detach();
  };

  hooks._write = function tappedWrite(chunk, encoding, callback) {
    if (!attached) {
      originalWrite.call(this, chunk, encoding, callback);
      return;
    }
    const bytes = recordWrite(sink, chunk, encoding, nowMs());
    originalWrite.call(this, bytes, bytes === chunk ? encoding : ENCODED, callback);
  };
  if (originalWritev) {
    hooks._writev = function tappedWritev(chunks, callback) {
      if (attached) {
        const atMs = nowMs();
        for (const entry of chunks) {
          const bytes = recordWrite(sink, entry.chunk, entry.encoding, atMs);
          if (bytes !== entry.chunk) {
            entry.chunk = bytes;
            entry.encoding = ENCODED;
          }
        }
      }
      originalWritev.call(this, chunks, callback);
    };
  }
  socket.prependListener('data', onData);
  socket.once('close', onClose);

  const detach = () => {
    if (!attached) return;
    attached = false;
    socket.off('data', onData);
    socket.off('close', onClose);
    // Put back exactly what was there: the prototype's methods (delete the own property) or the socket's own.
    if (ownWrite) hooks._write = ownWrite;
    else delete (hooks as Partial<WritableHooks>)._write;
    if (ownWritev) hooks._writev = ownWritev;
    else delete (hooks as Partial<WritableHooks>)._writev;
  };
  return { detach };
}
