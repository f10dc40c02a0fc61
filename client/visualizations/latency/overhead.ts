/**
 * What the wire cost beyond the words: for every unit that carried a chat message, its bytes minus the
 * message text (framing, headers, JSON keys); units that carried no message at all (polls that found
 * nothing, heartbeats, handshakes) are pure overhead. Payload is approximated as the UTF-8 length of the
 * chat text, and the UI says so. Pure.
 */
import type { WireEvent, WireTransport } from '../../../protocol/inspect.ts';
import { type ChatMessage, utf8ByteLength } from '../../../protocol/messages.ts';
import { DELIVERY_TRANSPORTS, matchWire } from './wire-match.ts';

/** Rows of the overhead meter: the four delivery transports and the POST the HTTP three send with. */
export const OVERHEAD_TRANSPORTS: readonly WireTransport[] = [...DELIVERY_TRANSPORTS, 'send'];

export interface TransportOverhead {
  transport: WireTransport;
  /** Chat text bytes carried (a message carried twice, say in two snapshots, counts twice). */
  payloadBytes: number;
  /** Bytes of the units that carried messages, beyond their text. */
  framingBytes: number;
  /** Bytes of units that carried no message. */
  emptyBytes: number;
  carryingUnits: number;
  emptyUnits: number;
}

export interface MessageOverhead {
  seq: number;
  payloadBytes: number;
  /** This message's share of the unit that wrote it to the page (shared evenly when a unit carried many). */
  deliveryBytes: number | null;
  /** The unit that carried this page's send to the server. */
  sendBytes: number | null;
}

export interface OverheadReport {
  byTransport: TransportOverhead[];
  byMessage: ReadonlyMap<number, MessageOverhead>;
}

/** Units with no bytes of their own (the TCP open and close markers) cost nothing and are left out. */
function costsBytes(event: WireEvent): boolean {
  return event.byteLength > 0;
}

export function overheadReport(
  events: readonly WireEvent[],
  messages: readonly ChatMessage[],
): OverheadReport {
  const textBytes = new Map<number, number>();
  for (const message of messages) textBytes.set(message.seq, utf8ByteLength(message.text));
  const { sends, written } = matchWire(events);
  // A send's request names no seq (the server has not assigned it yet): the match gives it one.
  const sendSeqByEvent = new Map<number, number>();
  const acks = new Set<WireEvent>();
  for (const [seq, match] of sends) {
    acks.add(match.ack);
    if (match.received) sendSeqByEvent.set(match.received.eventSeq, seq);
  }

  const totals = new Map<WireTransport, TransportOverhead>();
  for (const transport of OVERHEAD_TRANSPORTS)
    totals.set(transport, {
      transport,
      payloadBytes: 0,
      framingBytes: 0,
      emptyBytes: 0,
      carryingUnits: 0,
      emptyUnits: 0,
    });

  const writtenShare = new Map<number, number>();
  for (const event of events) {
    const total = totals.get(event.transport);
    if (!total || !costsBytes(event)) continue;
    const sentSeq = sendSeqByEvent.get(event.eventSeq);
    // Acks name a seq but carry no text: they count as overhead of the send.
    const carried = sentSeq !== undefined ? [sentSeq] : acks.has(event) ? [] : event.messageSeqs;
    if (carried.length === 0) {
      total.emptyBytes += event.byteLength;
      total.emptyUnits += 1;
      continue;
    }
    const payload = carried.reduce((sum, seq) => sum + (textBytes.get(seq) ?? 0), 0);
    total.payloadBytes += payload;
    total.framingBytes += Math.max(0, event.byteLength - payload);
    total.carryingUnits += 1;
    for (const seq of carried)
      if (written.get(seq) === event) writtenShare.set(seq, event.byteLength / carried.length);
  }

  const byMessage = new Map<number, MessageOverhead>();
  for (const message of messages) {
    if (message.kind !== 'chat' && message.kind !== 'private') continue;
    byMessage.set(message.seq, {
      seq: message.seq,
      payloadBytes: textBytes.get(message.seq) ?? 0,
      deliveryBytes: writtenShare.get(message.seq) ?? null,
      sendBytes: sends.get(message.seq)?.received?.byteLength ?? null,
    });
  }
  return {
    byTransport: OVERHEAD_TRANSPORTS.flatMap((transport) => {
      const total = totals.get(transport);
      return total && total.carryingUnits + total.emptyUnits > 0 ? [total] : [];
    }),
    byMessage,
  };
}

/** Share of the bytes that were not chat text, 0..1; null when nothing crossed. */
export function overheadShare(total: TransportOverhead): number | null {
  const bytes = total.payloadBytes + total.framingBytes + total.emptyBytes;
  return bytes === 0 ? null : (total.framingBytes + total.emptyBytes) / bytes;
}
