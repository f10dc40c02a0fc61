/**
 * Names for RFC 6455 opcodes and close codes, so the page can say "close (8)" and
 * "1001 Going Away" instead of bare numbers.
 */

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
