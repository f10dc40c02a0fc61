/**
 * Words for wire units: the short label drawn beside an arrow and the full sentence a screen reader
 * hears. Pure, so the diagram, its tests and the e2e specs agree on every string.
 */
import type { WireDirection, WireEvent, WireUnit } from '../../../protocol/inspect.ts';

export const UNIT_NAMES: Readonly<Record<WireUnit, string>> = {
  'tcp-open': 'TCP connection opened',
  'tcp-close': 'TCP connection closed',
  'http-request': 'HTTP request',
  'http-response': 'HTTP response',
  'http-chunk': 'HTTP chunk',
  'sse-event': 'SSE event',
  'sse-comment': 'SSE comment',
  'ws-handshake': 'WebSocket handshake',
  'ws-frame': 'WebSocket frame',
};

export const DIRECTION_WORDS: Readonly<Record<WireDirection, string>> = {
  in: 'browser to server',
  out: 'server to browser',
};

/** RFC 6455 5.5: opcodes with the high bit set (close 8, ping 9, pong 10) are control frames. */
const CONTROL_OPCODE_BIT = 0x8;

/** Heartbeats and control frames: drawn in a quieter style so the chat traffic stands out. */
export function isQuiet(event: Pick<WireEvent, 'unit' | 'ws'>): boolean {
  if (event.unit === 'sse-comment') return true;
  const opcode = event.ws?.opcode;
  return event.unit === 'ws-frame' && opcode !== undefined && (opcode & CONTROL_OPCODE_BIT) !== 0;
}

export function formatBytes(byteLength: number): string {
  if (byteLength < 1024) return `${byteLength} B`;
  return `${(byteLength / 1024).toFixed(1)} KiB`;
}

/** Seconds for spans longer than a second, ms below: "2.4 s", "180 ms". */
export function formatDuration(durationMs: number): string {
  if (durationMs >= 1000) return `${(durationMs / 1000).toFixed(1)} s`;
  return `${Math.round(durationMs)} ms`;
}

/** `/api/rooms/lobby/long-poll?x` reads as `…/long-poll`: the room is the same on every arrow. */
export function shortPath(path: string): string {
  return path.replace(/\?.*$/, '').replace(/^\/api\/rooms\/[^/]+\//, '…/');
}

/** A field's value from the unit's decoded layers, e.g. the request line's "Method". */
export function fieldValue(
  event: Pick<WireEvent, 'layers'>,
  layerName: string,
  fieldName: string,
): string | number | boolean | undefined {
  const layer = event.layers.find((candidate) => candidate.name === layerName);
  return layer?.fields.find((field) => field.name === fieldName)?.value;
}

function requestText(event: WireEvent): string {
  const method = fieldValue(event, 'Request line', 'Method');
  const path = event.path === undefined ? '' : shortPath(event.path);
  return [typeof method === 'string' ? method : '', path].filter((part) => part !== '').join(' ');
}

function statusText(event: WireEvent): string {
  const status = fieldValue(event, 'Status line', 'Status code');
  return status === undefined ? 'response' : String(status);
}

/** What this unit is beyond its type, in a few words: "GET …/poll", "200", "text, masked". */
export function unitDetail(event: WireEvent): string {
  switch (event.unit) {
    case 'tcp-open':
    case 'tcp-close':
      return '';
    case 'http-request':
      return requestText(event);
    case 'http-response':
      return statusText(event);
    case 'ws-handshake':
      return event.dir === 'in' ? `${requestText(event)} Upgrade`.trim() : statusText(event);
    case 'ws-frame': {
      const ws = event.ws;
      if (!ws) return '';
      const parts = [ws.opcodeName];
      if (ws.masked) parts.push('masked');
      if (ws.rsv1) parts.push('compressed');
      if (!ws.fin) parts.push('not final');
      if (ws.closeCode !== null) parts.push(`code ${ws.closeCode}`);
      return parts.join(', ');
    }
    case 'sse-comment':
      return 'heartbeat';
    case 'http-chunk':
    case 'sse-event':
      return '';
  }
}

export interface DescribeContext {
  /** True when this request reuses a connection that already carried an exchange (keep-alive). */
  reused: boolean;
  /** Who sent each carried chat message, when known. */
  senderOf: (seq: number) => string | undefined;
}

function carriedText(seqs: readonly number[], senderOf: DescribeContext['senderOf']): string {
  const described = seqs.map((seq) => {
    const from = senderOf(seq);
    return from === undefined ? String(seq) : `${seq} from ${from}`;
  });
  return `carries message${seqs.length === 1 ? '' : 's'} ${described.join(', ')}`;
}

/**
 * The sentence for a screen reader, e.g. "WebSocket frame, browser to server, text, masked, 27 bytes,
 * connection 3". TCP events have no direction of their own, so none is claimed for them.
 */
export function ariaLabel(event: WireEvent, context: DescribeContext): string {
  const isTcp = event.unit === 'tcp-open' || event.unit === 'tcp-close';
  const parts = [UNIT_NAMES[event.unit]];
  if (!isTcp) parts.push(DIRECTION_WORDS[event.dir]);
  const detail = unitDetail(event);
  if (detail !== '') parts.push(detail);
  if (!isTcp) parts.push(`${event.byteLength} bytes`);
  parts.push(`connection ${event.connId}${context.reused ? ' reused (keep-alive)' : ''}`);
  if (event.messageSeqs.length > 0) parts.push(carriedText(event.messageSeqs, context.senderOf));
  if (event.error) parts.push(`decode error: ${event.error.message}`);
  return parts.join(', ');
}

/** The chat messages a unit carried, in the fewest words ("msg 21,22"); '' when it carried none. */
export function carriedLabel(event: WireEvent): string {
  return event.messageSeqs.length > 0 ? `msg ${event.messageSeqs.join(',')}` : '';
}

/** The few words drawn on the arrow itself. */
export function shortLabel(
  event: WireEvent,
  context: Pick<DescribeContext, 'reused'>,
  { withBytes = true }: { withBytes?: boolean } = {},
): string {
  const conn = `#${event.connId}`;
  const carried = carriedLabel(event);
  const seqs = carried === '' ? '' : ` · ${carried}`;
  const error = event.error ? ' · decode error' : '';
  const size = withBytes ? ` · ${formatBytes(event.byteLength)}` : '';
  switch (event.unit) {
    case 'tcp-open':
      return `TCP open ${conn}`;
    case 'tcp-close':
      return `TCP close ${conn}${error}`;
    case 'ws-handshake':
      if (event.dir === 'out') return `${unitDetail(event)}${size}${error}`;
      return `${unitDetail(event)} ${conn}${context.reused ? ' reused' : ''}${error}`;
    case 'http-request': {
      const reused = context.reused ? ' reused' : '';
      return `${unitDetail(event)} ${conn}${reused}${seqs}${error}`.trim();
    }
    case 'http-response':
      return `${unitDetail(event)}${size}${seqs}${error}`;
    case 'http-chunk':
      return `chunk${size}${seqs}${error}`;
    case 'sse-event':
      return `event${size}${seqs}${error}`;
    case 'sse-comment':
      return `: heartbeat${error}`;
    case 'ws-frame': {
      // A close frame's code is the whole story of why a socket ended (1012 restart, 1008 policy…).
      const code = event.ws?.closeCode == null ? '' : ` ${event.ws.closeCode}`;
      return `${event.ws?.opcodeName ?? 'frame'}${code}${size}${seqs}${error}`;
    }
  }
}
