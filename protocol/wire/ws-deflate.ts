/**
 * What permessage-deflate the opening handshake agreed on (RFC 7692 7.1), read from the 101's
 * Sec-WebSocket-Extensions, per direction: the server's answer is the agreement, the client's offer
 * only a wish.
 */
import { parseExtensions } from './ws-handshake.ts';

/** RFC 7692 7.1.2: without a max_window_bits parameter the window is the full 2^15 bytes. */
export const DEFAULT_WINDOW_BITS = 15;

export interface DeflateDirection {
  /** The sender keeps its LZ77 window from message to message (no `*_no_context_takeover`). */
  contextTakeover: boolean;
  /** The sender's window is 2^windowBits bytes (RFC 7692 7.1.2). */
  windowBits: number;
}

export interface NegotiatedDeflate {
  /** The header value as the server sent it, for showing. */
  header: string;
  /** Messages the server compresses (server_* parameters). */
  server: DeflateDirection;
  /** Messages the client compresses (client_* parameters). */
  client: DeflateDirection;
}

/** The agreement in a 101's Sec-WebSocket-Extensions, or null when permessage-deflate was not accepted. */
export function negotiatedDeflate(header: string | undefined): NegotiatedDeflate | null {
  if (header === undefined) return null;
  const parsed = parseExtensions(header);
  if (!parsed.ok) return null;
  // RFC 7692 5: the server accepts at most one permessage-deflate offer, so its answer has at most one.
  const accepted = parsed.value.find((extension) => extension.name === 'permessage-deflate');
  if (!accepted) return null;
  const param = (name: string) => accepted.params.find((candidate) => candidate.name === name)?.value;
  const bits = (value: string | true | undefined) => {
    const number = typeof value === 'string' ? Number(value) : Number.NaN;
    return Number.isInteger(number) && number >= 8 && number <= 15 ? number : DEFAULT_WINDOW_BITS;
  };
  return {
    header,
    server: {
      contextTakeover: param('server_no_context_takeover') === undefined,
      windowBits: bits(param('server_max_window_bits')),
    },
    client: {
      contextTakeover: param('client_no_context_takeover') === undefined,
      windowBits: bits(param('client_max_window_bits')),
    },
  };
}
