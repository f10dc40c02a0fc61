/**
 * The benchmark groups. Each group starts every one of its entries once per round, in the same order
 * every round (A B A B ...), each in a fresh server process; goal rows pair two entries of a group
 * round by round, so every ratio compares figures measured side by side in the same run.
 */
import { longPollFanout, type PushParams, sseDelivery } from './goals/http-push.ts';
import { type IdleTransport, idleMemory } from './goals/memory.ts';
import type { Measured, Subject } from './goals/trial.ts';
import {
  chatThroughput,
  type FanoutParams,
  type RoundTripParams,
  type ThroughputParams,
  wsFanout,
  wsRoundTrip,
  wsRoundTripPaired,
} from './goals/ws-chat.ts';
import type { Direction } from './report.ts';

export interface SuiteParams {
  throughput: ThroughputParams;
  ssePush: PushParams;
  wsFanout: FanoutParams;
  longPollFanout: PushParams;
  idleConnections: number;
  roundTrip: RoundTripParams;
}

export const FULL: SuiteParams = {
  throughput: { clients: 32, messagesPerClient: 32, warmupMs: 1_500, measureMs: 4_000 },
  ssePush: { subscribers: 5_000, warmupPublishes: 5, publishes: 30 },
  wsFanout: { receivers: 5_000, warmupPublishes: 5, publishes: 20 },
  longPollFanout: { subscribers: 5_000, warmupPublishes: 3, publishes: 10 },
  idleConnections: 10_000,
  roundTrip: { warmup: 500, samples: 20_000 },
};

export const QUICK: SuiteParams = {
  throughput: { clients: 8, messagesPerClient: 8, warmupMs: 150, measureMs: 400 },
  ssePush: { subscribers: 200, warmupPublishes: 2, publishes: 5 },
  wsFanout: { receivers: 200, warmupPublishes: 2, publishes: 5 },
  longPollFanout: { subscribers: 200, warmupPublishes: 1, publishes: 3 },
  idleConnections: 300,
  roundTrip: { warmup: 50, samples: 200 },
};

export interface Entry {
  id: string;
  subject: Subject;
  measure(subject: Subject): Promise<Measured>;
}

export interface RowSpec {
  name: string;
  unit: string;
  target: number | null;
  direction: Direction | null;
  /** Entry ids and the value each row reads from their Measured. */
  reference: string;
  ours: string;
  value: string;
  /** Read from the reference entry instead of `value`: a paired trial measures both servers in one entry. */
  referenceValue?: string;
  /** Shown instead of the entries' subject labels (a paired entry's subject is not one server). */
  labels?: { reference: string; ours: string };
  /** Multiplies the value for display (bytes to KiB). */
  scale?: number;
}

export interface Group {
  id: string;
  entries: Entry[];
  rows: RowSpec[];
}

const BARE_WS: Subject = { label: 'bare ws', kind: 'ref-ws' };
const RAW_SSE: Subject = { label: 'raw SSE', kind: 'ref-sse' };
const RAW_LONG_POLL: Subject = { label: 'raw long poll', kind: 'ref-lp' };
/** Run with the plain loader (processes.ts), as the tsc build `npm start` runs: what users run. */
const OURS: Subject = { label: 'ours', kind: 'ours' };
const KIB = 1 / 1024;

export function suite(params: SuiteParams): Group[] {
  const throughput = (subject: Subject) => chatThroughput(subject, params.throughput);
  const idle = (transport: IdleTransport) => (subject: Subject) =>
    idleMemory(subject, transport, params.idleConnections);
  const { clients, messagesPerClient } = params.throughput;
  const pushSubscribers = params.ssePush.subscribers.toLocaleString('en-US');
  const idleCount = params.idleConnections.toLocaleString('en-US');
  return [
    {
      id: 'ws-throughput',
      entries: [
        { id: 'ref', subject: BARE_WS, measure: throughput },
        { id: 'ours', subject: OURS, measure: throughput },
        {
          id: 'no-tap',
          subject: { label: 'ours, no tap', kind: 'ours', options: { tap: false } },
          measure: throughput,
        },
        {
          id: 'captured',
          subject: { label: 'ours, capture all', kind: 'ours', options: { captureAll: true } },
          measure: throughput,
        },
      ],
      rows: [
        {
          name: `1. WS chat throughput (${clients} clients x ${messagesPerClient} msgs/round)`,
          unit: 'deliveries/s',
          target: 0.8,
          direction: 'at least',
          reference: 'ref',
          ours: 'ours',
          value: 'deliveriesPerSecond',
        },
        {
          name: '1+. WS chat, server CPU per delivery (same runs as 1)',
          unit: 'µs/delivery',
          target: null,
          direction: null,
          reference: 'ref',
          ours: 'ours',
          value: 'serverCpuMicrosPerDelivery',
        },
        {
          name: '6a. WS chat throughput, every client captured vs capture off',
          unit: 'deliveries/s',
          target: 0.6,
          direction: 'at least',
          reference: 'ours',
          ours: 'captured',
          value: 'deliveriesPerSecond',
        },
        {
          name: '6b. WS chat throughput, capture off vs no tap',
          unit: 'deliveries/s',
          target: 0.97,
          direction: 'at least',
          reference: 'no-tap',
          ours: 'ours',
          value: 'deliveriesPerSecond',
        },
      ],
    },
    {
      id: 'sse-push',
      entries: [
        { id: 'ref', subject: RAW_SSE, measure: (subject) => sseDelivery(subject, params.ssePush) },
        { id: 'ours', subject: OURS, measure: (subject) => sseDelivery(subject, params.ssePush) },
      ],
      rows: [
        {
          name: `2. SSE server CPU per delivered event (${pushSubscribers} subscribers)`,
          unit: 'µs/event',
          target: 1.5,
          direction: 'at most',
          reference: 'ref',
          ours: 'ours',
          value: 'cpuMicrosPerEvent',
        },
        {
          name: `4b. SSE fan-out, publish to last of ${pushSubscribers}`,
          unit: 'ms',
          target: 1.5,
          direction: 'at most',
          reference: 'ref',
          ours: 'ours',
          value: 'completionMs',
        },
      ],
    },
    {
      id: 'ws-fanout',
      entries: [
        { id: 'ref', subject: BARE_WS, measure: (subject) => wsFanout(subject, params.wsFanout) },
        { id: 'ours', subject: OURS, measure: (subject) => wsFanout(subject, params.wsFanout) },
      ],
      rows: [
        {
          name: `4a. WS fan-out, publish to last of ${params.wsFanout.receivers.toLocaleString('en-US')}`,
          unit: 'ms',
          target: 1.25,
          direction: 'at most',
          reference: 'ref',
          ours: 'ours',
          value: 'completionMs',
        },
      ],
    },
    {
      id: 'long-poll-fanout',
      entries: [
        {
          id: 'ref',
          subject: RAW_LONG_POLL,
          measure: (subject) => longPollFanout(subject, params.longPollFanout),
        },
        { id: 'ours', subject: OURS, measure: (subject) => longPollFanout(subject, params.longPollFanout) },
      ],
      rows: [
        {
          name: `4c. Long-poll fan-out, publish to last of ${params.longPollFanout.subscribers.toLocaleString('en-US')}`,
          unit: 'ms',
          target: null,
          direction: null,
          reference: 'ref',
          ours: 'ours',
          value: 'completionMs',
        },
      ],
    },
    {
      id: 'idle-memory',
      entries: [
        { id: 'ref-ws', subject: BARE_WS, measure: idle('websocket') },
        { id: 'ours-ws', subject: OURS, measure: idle('websocket') },
        { id: 'ref-sse', subject: RAW_SSE, measure: idle('sse') },
        { id: 'ours-sse', subject: OURS, measure: idle('sse') },
        {
          id: 'ours-lp',
          subject: { label: 'ours, long poll', kind: 'ours' },
          measure: idle('long-poll'),
        },
        { id: 'ref-lp', subject: RAW_LONG_POLL, measure: idle('long-poll') },
        {
          id: 'hono-ws',
          subject: { label: 'bare Hono ws', kind: 'floor-hono-ws' },
          measure: idle('websocket'),
        },
        {
          id: 'tsx-ws',
          subject: { label: 'ours under tsx (npm run dev)', kind: 'ours', loader: 'tsx' },
          measure: idle('websocket'),
        },
        {
          id: 'tsx-sse',
          subject: { label: 'ours under tsx (npm run dev)', kind: 'ours', loader: 'tsx' },
          measure: idle('sse'),
        },
      ],
      rows: [
        ...(['RSS', 'heap'] as const).flatMap((what): RowSpec[] => {
          const row = (name: string, target: number | null, reference: string, ours: string): RowSpec => ({
            name: `${name}, ${what} (N=${idleCount})`,
            unit: 'KiB/conn',
            target,
            direction: target === null ? null : 'at most',
            reference,
            ours,
            value: what === 'RSS' ? 'rssBytesPerConnection' : 'heapBytesPerConnection',
            scale: KIB,
          });
          return [
            row('3a. WS idle connection', 2.5, 'ref-ws', 'ours-ws'),
            row('3b. SSE idle connection', 1.5, 'ref-sse', 'ours-sse'),
            row('3c. Held long poll vs raw SSE', 2, 'ref-sse', 'ours-lp'),
            row('3d. Held long poll vs raw long poll', null, 'ref-lp', 'ours-lp'),
            row('3e. Floor: bare Hono ws adapter vs bare ws', null, 'ref-ws', 'hono-ws'),
            row('3f. WS idle connection vs bare Hono ws', null, 'hono-ws', 'ours-ws'),
            row('3g. WS idle, ours under tsx (keepNames) vs bare ws', null, 'ref-ws', 'tsx-ws'),
            row('3h. SSE idle, ours under tsx (keepNames) vs raw SSE', null, 'ref-sse', 'tsx-sse'),
          ];
        }),
      ],
    },
    {
      id: 'ws-round-trip',
      entries: [
        { id: 'ref', subject: BARE_WS, measure: (subject) => wsRoundTrip(subject, params.roundTrip) },
        { id: 'ours', subject: OURS, measure: (subject) => wsRoundTrip(subject, params.roundTrip) },
      ],
      rows: [
        {
          name: '5a. WS single-client round trip, p50',
          unit: 'ms',
          target: 1.3,
          direction: 'at most',
          reference: 'ref',
          ours: 'ours',
          value: 'p50Ms',
        },
        {
          name: '5b. WS single-client round trip, p99',
          unit: 'ms',
          target: 1.3,
          direction: 'at most',
          reference: 'ref',
          ours: 'ours',
          value: 'p99Ms',
        },
        {
          name: '5+. WS round trip, server CPU per round trip (same runs as 5)',
          unit: 'µs',
          target: null,
          direction: null,
          reference: 'ref',
          ours: 'ours',
          value: 'serverCpuMicrosPerRoundTrip',
        },
      ],
    },
    {
      id: 'ws-round-trip-paired',
      entries: [
        {
          id: 'pair',
          subject: { label: 'bare ws and ours, alternating', kind: 'ours' },
          measure: () => wsRoundTripPaired(BARE_WS, OURS, params.roundTrip),
        },
        {
          id: 'same',
          subject: { label: 'bare ws and bare ws, alternating', kind: 'ref-ws' },
          measure: () => wsRoundTripPaired(BARE_WS, BARE_WS, params.roundTrip),
        },
      ],
      rows: [
        pairedRow('5c. WS round trip p50, both servers in one trial', 1.3, 'pair', 'P50Ms', 'ours'),
        pairedRow('5d. WS round trip p99, both servers in one trial', 1.3, 'pair', 'P99Ms', 'ours'),
        pairedRow('5e. A/A: bare ws against bare ws in one trial, p50', null, 'same', 'P50Ms', 'bare ws'),
        pairedRow('5f. A/A: bare ws against bare ws in one trial, p99', null, 'same', 'P99Ms', 'bare ws'),
      ],
    },
  ];
}

/** A row read from one paired entry: the reference's and ours' figures of the same trial. */
function pairedRow(
  name: string,
  target: number | null,
  entry: string,
  figure: 'P50Ms' | 'P99Ms',
  oursLabel: string,
): RowSpec {
  return {
    name,
    unit: 'ms',
    target,
    direction: target === null ? null : 'at most',
    reference: entry,
    ours: entry,
    referenceValue: `reference${figure}`,
    value: `ours${figure}`,
    labels: { reference: 'bare ws', ours: oursLabel },
  };
}
