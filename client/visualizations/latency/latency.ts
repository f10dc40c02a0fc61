/**
 * Latency of each chat message, stage by stage, on the server clock: sent (page clock + offset), received
 * by the server, written to this page, received by the page (page clock + offset). Then percentiles and a
 * histogram of the delivery latency per transport. Pure: events, messages, arrival times and the clock
 * estimate in, numbers out.
 */
import { bin, quantileSorted } from 'd3-array';
import type { WireEvent } from '../../../protocol/inspect.ts';
import type { ChatMessage, TransportKind } from '../../../protocol/messages.ts';
import { DELIVERY_TRANSPORTS, isDeliveryTransport, matchWire } from './wire-match.ts';

export const STAGES = ['sent', 'server', 'written', 'page'] as const;
export type Stage = (typeof STAGES)[number];

/** One short sentence per stage, said in the UI next to the chart. */
export const STAGE_TEXT: Readonly<Record<Stage, { label: string; definition: string }>> = {
  sent: { label: 'sent', definition: 'the sending page’s timestamp, plus the clock offset.' },
  server: {
    label: 'server received',
    definition: 'the unit carrying the send reached the server (others’ messages: the commit).',
  },
  written: { label: 'written', definition: 'the server wrote the first unit carrying it to this page.' },
  page: { label: 'on page', definition: 'this page’s transport handed it over, plus the clock offset.' },
};

/** Rows the timeline draws (the newest messages); the statistics use every message still on the page. */
export const MAX_LATENCY_ROWS = 12;

export interface ClockOffset {
  /** Server clock minus page clock. */
  offsetMs: number;
  uncertaintyMs: number;
}

export interface MessageLatency {
  seq: number;
  from: string;
  text: string;
  /** The delivery transport that wrote it to this page, when that unit was captured. */
  transport: TransportKind | null;
  /** Stage times on the server clock; null when unknown. */
  stages: Readonly<Record<Stage, number | null>>;
  /** Where the server stage came from: the captured request, or the commit time in the message. */
  serverSource: 'wire' | 'commit';
  /** What the message waited for at the server before it could be written, when the transport makes it wait. */
  wait: MessageWait | null;
  /** Server received → on page: the part the delivery transport decides. */
  deliveryMs: number | null;
  /** Sent → on page, both on this page's clock (no offset, no uncertainty): only for this page's sends. */
  endToEndMs: number | null;
}

export interface MessageWait {
  kind: 'long-poll-hold' | 'poll-interval';
  /** Server clock. For a long poll: when the held request arrived; for a poll: when the message was ready. */
  startMs: number;
  endMs: number;
}

export interface LatencyInput {
  events: readonly WireEvent[];
  messages: readonly ChatMessage[];
  /** Page clock when each message first arrived, by cursor. */
  receivedAtMs: ReadonlyMap<string, number>;
  clock: ClockOffset | null;
}

function isChat(message: ChatMessage): boolean {
  return message.kind === 'chat' || message.kind === 'private';
}

/** The request a poll or long-poll answer answered: the last request before it on the same connection. */
function requestBefore(events: readonly WireEvent[], answer: WireEvent): WireEvent | null {
  let found: WireEvent | null = null;
  for (const event of events) {
    if (event.eventSeq >= answer.eventSeq) break;
    if (event.connId === answer.connId && event.dir === 'in' && event.unit === 'http-request') found = event;
  }
  return found;
}

function waitOf(
  events: readonly WireEvent[],
  written: WireEvent,
  serverMs: number | null,
): MessageWait | null {
  if (written.transport !== 'long-polling' && written.transport !== 'polling') return null;
  const request = requestBefore(events, written);
  if (request === null) return null;
  if (written.transport === 'long-polling')
    return { kind: 'long-poll-hold', startMs: request.atMs, endMs: written.atMs };
  // A naive poll: the message sat at the server from its arrival until the next poll asked for it.
  if (serverMs === null || request.atMs < serverMs) return null;
  return { kind: 'poll-interval', startMs: serverMs, endMs: request.atMs };
}

/** Stage times for every chat message, oldest first. */
export function messageLatencies(input: LatencyInput): MessageLatency[] {
  const { events, messages, receivedAtMs, clock } = input;
  const { sends, written } = matchWire(events);
  const rows: MessageLatency[] = [];
  for (const message of messages) {
    if (!isChat(message)) continue;
    const send = sends.get(message.seq);
    const writtenUnit = written.get(message.seq) ?? null;
    const pageMs = receivedAtMs.get(message.cursor);
    // Another page's sentAtMs is on its own clock, which we cannot align: only our own sends get a sent stage.
    const sentMs =
      send !== undefined && message.sentAtMs !== undefined && clock !== null
        ? message.sentAtMs + clock.offsetMs
        : null;
    const serverMs = send?.received?.atMs ?? message.committedAtMs;
    const stages = {
      sent: sentMs,
      server: serverMs,
      written: writtenUnit?.atMs ?? null,
      page: pageMs !== undefined && clock !== null ? pageMs + clock.offsetMs : null,
    };
    rows.push({
      seq: message.seq,
      from: message.from,
      text: message.text,
      transport:
        writtenUnit !== null && isDeliveryTransport(writtenUnit.transport) ? writtenUnit.transport : null,
      stages,
      serverSource: send?.received ? 'wire' : 'commit',
      wait: writtenUnit ? waitOf(events, writtenUnit, serverMs) : null,
      deliveryMs: stages.page === null ? null : stages.page - serverMs,
      endToEndMs:
        send !== undefined && message.sentAtMs !== undefined && pageMs !== undefined
          ? pageMs - message.sentAtMs
          : null,
    });
  }
  return rows;
}

export interface Percentiles {
  transport: TransportKind;
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** p50/p95/p99 of a sample (d3's R-7 interpolation, the same as numpy's default); null when empty. */
export function percentilesOf(values: readonly number[]): { p50: number; p95: number; p99: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: quantileSorted(sorted, 0.5) ?? 0,
    p95: quantileSorted(sorted, 0.95) ?? 0,
    p99: quantileSorted(sorted, 0.99) ?? 0,
  };
}

/** Delivery-latency percentiles per transport, in the fixed transport order; transports without data left out. */
export function percentilesByTransport(rows: readonly MessageLatency[]): Percentiles[] {
  const result: Percentiles[] = [];
  for (const transport of DELIVERY_TRANSPORTS) {
    const values = rows.flatMap((row) =>
      row.transport === transport && row.deliveryMs !== null ? [row.deliveryMs] : [],
    );
    const stats = percentilesOf(values);
    if (stats) result.push({ transport, count: values.length, ...stats });
  }
  return result;
}

export interface HistogramBin {
  x0: number;
  x1: number;
  /** Count per transport in this bin, and the total. */
  counts: Readonly<Record<TransportKind, number>>;
  total: number;
}

/** Bins the histogram aims for; d3 rounds the thresholds to nice numbers. */
export const HISTOGRAM_BIN_TARGET = 12;

const ZERO_COUNTS: Readonly<Record<TransportKind, number>> = {
  polling: 0,
  'long-polling': 0,
  sse: 0,
  websocket: 0,
};

/** Delivery latency histogram with nice bins, counts split by transport. */
export function deliveryHistogram(rows: readonly MessageLatency[]): HistogramBin[] {
  const samples = rows.flatMap((row) =>
    row.transport !== null && row.deliveryMs !== null
      ? [{ transport: row.transport, ms: Math.max(0, row.deliveryMs) }]
      : [],
  );
  if (samples.length === 0) return [];
  const bins = bin<{ transport: TransportKind; ms: number }, number>()
    .value((sample) => sample.ms)
    .thresholds(HISTOGRAM_BIN_TARGET)(samples);
  return bins.map((group) => {
    const counts: Record<TransportKind, number> = { ...ZERO_COUNTS };
    for (const sample of group) counts[sample.transport] += 1;
    return { x0: group.x0 ?? 0, x1: group.x1 ?? 0, counts, total: group.length };
  });
}
