/**
 * Names for RFC 6455 opcodes and close codes, so the page can say "close (8)" and
 * "1001 Going Away" instead of bare numbers.
 */
import { CLOSE_CODES } from '../messages.ts';

/** RFC 6455 5.2 and 11.8: 0-2 data, 8-10 control, the rest reserved for future use. */
export function opcodeName(opcode: number): string {
  switch (opcode) {
    case 0x0:
      return 'continuation';
    case 0x1:
      return 'text';
    case 0x2:
      return 'binary';
    case 0x8:
      return 'close';
    case 0x9:
      return 'ping';
    case 0xa:
      return 'pong';
    default:
      return opcode < 0x8 ? 'reserved (data)' : 'reserved (control)';
  }
}

/** RFC 6455 5.5: opcodes with the high bit set are control frames. */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** RFC 6455 7.4.1 and the IANA "WebSocket Close Code Number Registry" (RFC 6455 11.7). */
const CLOSE_CODE_NAMES: Record<number, string> = {
  1000: 'Normal Closure',
  1001: 'Going Away',
  1002: 'Protocol Error',
  1003: 'Unsupported Data',
  1004: 'Reserved',
  1005: 'No Status Received',
  1006: 'Abnormal Closure',
  1007: 'Invalid Frame Payload Data',
  1008: 'Policy Violation',
  1009: 'Message Too Big',
  1010: 'Mandatory Extension',
  1011: 'Internal Error',
  1012: 'Service Restart',
  1013: 'Try Again Later',
  1014: 'Bad Gateway',
  1015: 'TLS Handshake',
};

export function closeCodeName(code: number): string {
  const known = CLOSE_CODE_NAMES[code];
  if (known) return known;
  if (code >= 3000 && code <= 3999) return 'Registered (libraries and frameworks)';
  if (code >= 4000 && code <= 4999) return 'Private use (application)';
  return 'Unassigned';
}

/**
 * Codes an endpoint may put in a Close frame (RFC 6455 7.4.1-7.4.2): 1005, 1006 and 1015 are
 * only for reporting locally, 1004 is reserved; the same rule `ws` applies.
 */
export function isSendableCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/** One line per close code a learner meets here: what it says and who sends it (RFC 6455 7.4.1, IANA registry). */
const CLOSE_CODE_MEANINGS: Record<number, string> = {
  1000: 'All done: the purpose of the connection was fulfilled, nothing went wrong.',
  1001: 'The endpoint is going away: a server shutting down, or a browser leaving the page.',
  1002: 'The peer broke the WebSocket protocol (a bad frame), so the connection is failed.',
  1003: 'The endpoint got a kind of data it cannot accept (say, binary when it only takes text).',
  1005: 'The Close frame had no code; never sent, only reported locally for such a frame.',
  1006: 'The connection ended without any Close frame; never sent, only reported locally.',
  1007: 'A message was not what it claimed to be: invalid UTF-8 in a text message, or bad compressed data.',
  1008: 'The message broke a policy of the endpoint; a generic "not allowed" when no better code fits.',
  1009: 'A message was too big for the endpoint to process.',
  1010: 'The client needed an extension the server did not agree to in the handshake.',
  1011: 'The server hit an unexpected condition (an internal error) and could not go on.',
  1012: 'The server is restarting: reconnect in a moment.',
  1013: 'The server is overloaded for now: try again later.',
  1014: 'A gateway or proxy got a bad answer from the server behind it.',
};

/** Wirelab's own codes in the private range (protocol/messages.ts CLOSE_CODES). */
const WIRELAB_CLOSE_CODE_MEANINGS: Record<number, string> = {
  [CLOSE_CODES.slowReader]: 'read too slowly, fell too far behind and was cut; it resumes from its cursor',
  [CLOSE_CODES.tooManyConnections]: 'has too many connections open for this client id',
};

export function closeCodeMeaning(code: number): string {
  const known = CLOSE_CODE_MEANINGS[code];
  if (known) return known;
  if (code >= 4000 && code <= 4999) {
    const wirelab = WIRELAB_CLOSE_CODE_MEANINGS[code];
    return `Private use: the application defines what it means (RFC 6455 7.4.2)${wirelab ? `; in Wirelab, the client ${wirelab}` : ''}.`;
  }
  if (code >= 3000 && code <= 3999)
    return 'Registered with IANA for libraries and frameworks (RFC 6455 7.4.2).';
  return 'Not an assigned close code, so a receiver treats it as a protocol error (RFC 6455 7.4.1).';
}
