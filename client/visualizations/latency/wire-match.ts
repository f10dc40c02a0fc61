/**
 * Which captured units belong to which chat message: the unit that carried a send to the server, the
 * server's acknowledgement of it, and the first unit that wrote the message to this page. Pure: wire
 * events and seqs in, matches out.
 */
import type { WireEvent, WireTransport } from '../../../protocol/inspect.ts';
import type { TransportKind } from '../../../protocol/messages.ts';

/** The transports that deliver messages to the page (`send` is the POST, `other` is unattributed). */
export const DELIVERY_TRANSPORTS: readonly TransportKind[] = ['polling', 'long-polling', 'sse', 'websocket'];

export function isDeliveryTransport(transport: WireTransport): transport is TransportKind {
  return (DELIVERY_TRANSPORTS as readonly string[]).includes(transport);
}

/** Bytes of base64 we decode to read a frame's JSON type; the type comes first, so a little is enough. */
const TYPE_SNIFF_BASE64_CHARS = 96;

/**
 * The JSON `type` of a server WebSocket text frame (`message`, `ack`, `heartbeat`...), read from its
 * captured bytes: server frames are not masked (RFC 6455 5.1), so the JSON is there as it was sent.
 */
export function wsFrameType(event: WireEvent): string | null {
  if (event.unit !== 'ws-frame' || event.ws?.opcode !== 1 || event.ws.masked) return null;
  let text: string;
  try {
    // A multiple of four base64 characters decodes on its own.
    text = atob(event.bytesBase64.slice(0, TYPE_SNIFF_BASE64_CHARS));
  } catch {
    return null;
  }
  const match = /"type"\s*:\s*"([a-z]+)"/.exec(text);
  return match?.[1] ?? null;
}

function isTextFrameFromBrowser(event: WireEvent): boolean {
  return event.unit === 'ws-frame' && event.dir === 'in' && event.ws?.opcode === 1;
}

/** The server's answer to a send: the POST's response, or a WebSocket `ack` frame. */
function isAck(event: WireEvent): boolean {
  if (event.dir !== 'out') return false;
  if (event.transport === 'send') return event.unit === 'http-response';
  return event.transport === 'websocket' && wsFrameType(event) === 'ack';
}

export interface SendMatch {
  /** The unit that carried the send to the server: the POST request, or the masked text frame. */
  received: WireEvent | null;
  /** The server's acknowledgement, which names the seq. */
  ack: WireEvent;
}

export interface WireMatches {
  /** Sends this page made, by seq: only this page's sends are captured under its client id. */
  sends: ReadonlyMap<number, SendMatch>;
  /** The first unit that wrote each seq to this page, over a delivery transport (acks excluded). */
  written: ReadonlyMap<number, WireEvent>;
}

/**
 * Matches sends and deliveries. A send's request does not know its seq yet (the server assigns it), so
 * we find it backwards from the ack: HTTP/1.1 answers in order on one connection, so the POST is the
 * last request before its response there; WebSocket acks come back in send order, so the k-th ack on a
 * socket answers the earliest text frame not yet answered.
 */
export function matchWire(events: readonly WireEvent[]): WireMatches {
  const sends = new Map<number, SendMatch>();
  const written = new Map<number, WireEvent>();
  const lastPostRequest = new Map<number, WireEvent>();
  const unansweredFrames = new Map<number, WireEvent[]>();
  for (const event of events) {
    if (event.dir === 'in') {
      if (event.transport === 'send' && event.unit === 'http-request')
        lastPostRequest.set(event.connId, event);
      else if (event.transport === 'websocket' && isTextFrameFromBrowser(event)) {
        const queue = unansweredFrames.get(event.connId) ?? [];
        queue.push(event);
        unansweredFrames.set(event.connId, queue);
      }
      continue;
    }
    if (event.messageSeqs.length === 0) continue;
    if (isAck(event)) {
      const received =
        event.transport === 'send'
          ? (lastPostRequest.get(event.connId) ?? null)
          : (unansweredFrames.get(event.connId)?.shift() ?? null);
      for (const seq of event.messageSeqs) if (!sends.has(seq)) sends.set(seq, { received, ack: event });
      continue;
    }
    if (!isDeliveryTransport(event.transport)) continue;
    for (const seq of event.messageSeqs) if (!written.has(seq)) written.set(seq, event);
  }
  return { sends, written };
}
