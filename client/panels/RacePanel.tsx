/**
 * Race mode: four receiving transports in this page (one per kind, each with its own client id), one
 * message sent once by POST, and the page-clock arrival of that message on each. The race owns its
 * transports, observer and timers, and closes them all when it ends, when a new race starts, or on unmount.
 */
import { useEffect, useRef, useState } from 'react';
import { TRANSPORT_KINDS, type TransportKind } from '../../protocol/messages.ts';
import { useWirelab } from '../store/index.ts';
import { pageNowMs } from '../transports/clock-sync.ts';
import { postMessage } from '../transports/http.ts';
import { TRANSPORTS, type Transport, type Unsubscribe } from '../transports/index.ts';
import { POLL_INTERVAL_MS } from '../transports/polling.ts';
import type { TimeScaleKind } from '../visualizations/latency/layout.ts';
import { RaceLanes } from '../visualizations/race/RaceLanes.tsx';
import { buildRace, RACE_MIN_WIDTH, RACE_WIDTH, type TimedRequest } from '../visualizations/race/race.ts';
import { ScaleChoice } from './LatencyPanel.tsx';
import { usePresenterTheme } from './presenter-theme.ts';
import { presenterChartWidth, useWidth } from './use-width.ts';

/** How long the four receivers get to connect before the race is called off. */
const RACE_CONNECT_TIMEOUT_MS = 10_000;
/** After all four are open, a pause so the long poll's request is really waiting at the server. */
const RACE_SETTLE_MS = 300;
/** How long to wait for the last arrival: naive polling may take a whole interval, plus a busy machine. */
const RACE_ARRIVAL_TIMEOUT_MS = 8_000;
/** Resource-timing entries kept per lane; a race makes a handful. */
const MAX_TIMED_REQUESTS = 32;
const MAX_NAME_LENGTH = 32;

type Phase = 'idle' | 'connecting' | 'racing' | 'done' | 'failed';

interface RaceSnapshot {
  phase: Phase;
  error: string | null;
  sentAtMs: number | null;
  committedAtMs: number | null;
  arrivals: Partial<Record<TransportKind, number>>;
  requests: Partial<Record<TransportKind, TimedRequest[]>>;
  ready: number;
}

const IDLE: RaceSnapshot = {
  phase: 'idle',
  error: null,
  sentAtMs: null,
  committedAtMs: null,
  arrivals: {},
  requests: {},
  ready: 0,
};

/** "ada (race sse)", the name cut so the whole stays within the 32-character limit. */
export function raceName(name: string, kind: TransportKind): string {
  const suffix = ` (race ${kind})`;
  return `${name.slice(0, MAX_NAME_LENGTH - suffix.length).trimEnd()}${suffix}`;
}

interface RaceOptions {
  room: string;
  name: string;
  clientId: string;
  since: string | null;
  onUpdate: (update: (previous: RaceSnapshot) => RaceSnapshot) => void;
}

/** Runs one race; close() stops everything it started and is safe to call any number of times. */
function runRace({ room, name, clientId, since, onUpdate }: RaceOptions): { close(): void } {
  const raceId = `race-${crypto.randomUUID()}`;
  const transports = new Map<TransportKind, Transport>();
  const unsubscribes: Unsubscribe[] = [];
  const ready = new Set<TransportKind>();
  const arrived = new Set<TransportKind>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const sendController = new AbortController();
  let observer: PerformanceObserver | null = null;
  let closed = false;
  let sent = false;

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const close = () => {
    if (closed) return;
    closed = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    sendController.abort();
    observer?.disconnect();
    observer = null;
    for (const unsubscribe of unsubscribes) unsubscribe();
    unsubscribes.length = 0;
    for (const transport of transports.values()) transport.close();
    transports.clear();
  };

  const finish = (phase: 'done' | 'failed', error: string | null = null) => {
    if (closed) return;
    close();
    onUpdate((previous) => ({ ...previous, phase, error }));
  };

  // The browser times every poll and long poll: when each asked and when its answer came, on this page's clock.
  const laneOfUrl = (url: string): TransportKind | null => {
    for (const kind of ['polling', 'long-polling'] as const)
      if (url.includes(`client=${encodeURIComponent(`${clientId}-race-${kind}`)}&`)) return kind;
    return null;
  };
  if (typeof PerformanceObserver === 'function') {
    observer = new PerformanceObserver((list) => {
      const timed: Array<[TransportKind, TimedRequest]> = [];
      for (const entry of list.getEntries()) {
        const kind = laneOfUrl(entry.name);
        if (kind === null || !(entry instanceof PerformanceResourceTiming)) continue;
        const origin = performance.timeOrigin;
        timed.push([kind, { startMs: origin + entry.startTime, endMs: origin + entry.responseEnd }]);
      }
      if (timed.length === 0) return;
      onUpdate((previous) => {
        const requests = { ...previous.requests };
        for (const [kind, request] of timed)
          requests[kind] = [...(requests[kind] ?? []), request].slice(-MAX_TIMED_REQUESTS);
        return { ...previous, requests };
      });
    });
    observer.observe({ type: 'resource', buffered: false });
  }

  const send = async () => {
    if (closed || sent) return;
    sent = true;
    const sentAtMs = pageNowMs();
    onUpdate((previous) => ({ ...previous, phase: 'racing', sentAtMs }));
    later(RACE_ARRIVAL_TIMEOUT_MS, () => finish('done'));
    try {
      await postMessage(
        { room, clientId, name, since: null },
        { id: raceId, text: 'Race: which transport hears this first?', sentAtMs },
        sendController.signal,
      );
    } catch (error) {
      if (!closed)
        finish(
          'failed',
          `The race message could not be sent: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
  };

  const markReady = (kind: TransportKind) => {
    if (ready.has(kind) || closed) return;
    ready.add(kind);
    onUpdate((previous) => ({ ...previous, ready: ready.size }));
    if (ready.size === TRANSPORT_KINDS.length) later(RACE_SETTLE_MS, () => void send());
  };

  for (const kind of TRANSPORT_KINDS) {
    const transport = TRANSPORTS[kind]({
      room,
      clientId: `${clientId}-race-${kind}`,
      name: raceName(name, kind),
      since,
    });
    transports.set(kind, transport);
    unsubscribes.push(
      transport.onResume(() => markReady(kind)),
      transport.onStatus((change) => {
        // A long poll has nothing to resume with until a message comes: its held request is the open connection.
        if (kind === 'long-polling' && change.status === 'open') markReady(kind);
        if (change.status === 'closed' && change.error && !closed)
          finish('failed', `The ${kind} receiver closed: ${change.error}`);
      }),
      transport.onMessage((message) => {
        if (message.id !== raceId || arrived.has(kind)) return;
        const atMs = pageNowMs();
        arrived.add(kind);
        onUpdate((previous) => ({
          ...previous,
          arrivals: { ...previous.arrivals, [kind]: atMs },
          committedAtMs: previous.committedAtMs ?? message.committedAtMs,
        }));
        // Let the browser report the request that carried it before we stop watching.
        if (arrived.size === TRANSPORT_KINDS.length) later(100, () => finish('done'));
      }),
    );
  }
  later(RACE_CONNECT_TIMEOUT_MS, () => {
    if (!sent)
      finish('failed', `Not all four receivers connected within ${RACE_CONNECT_TIMEOUT_MS / 1000} s.`);
  });
  for (const transport of transports.values()) transport.open();
  return { close };
}

function statusText(snapshot: RaceSnapshot, winner: string | null): string {
  const count = Object.keys(snapshot.arrivals).length;
  switch (snapshot.phase) {
    case 'idle':
      return 'No race yet.';
    case 'connecting':
      return `Opening four receivers: ${snapshot.ready} of 4 ready…`;
    case 'racing':
      return `Sent. ${count} of 4 arrived…`;
    case 'done':
      return count === 0
        ? 'No transport delivered the message in time.'
        : `Done: ${count} of 4 arrived; ${winner ?? 'nobody'} was first. The receivers are closed.`;
    case 'failed':
      return snapshot.error ?? 'The race failed.';
  }
}

export function RacePanel() {
  const joined = useWirelab((state) => state.joined);
  const name = useWirelab((state) => state.name);
  const clock = useWirelab((state) => state.clock);
  const [snapshot, setSnapshot] = useState<RaceSnapshot>(IDLE);
  const [scale, setScale] = useState<TimeScaleKind>('log');
  const [box, setBox] = useState<HTMLDivElement | null>(null);
  const boxPx = useWidth(box, RACE_WIDTH);
  // The presenter theme lays the chart out narrower, so the same box draws its text as large as the diagram's.
  const presenter = usePresenterTheme();
  const chartWidth = presenter ? presenterChartWidth(boxPx, RACE_WIDTH, RACE_MIN_WIDTH) : RACE_WIDTH;
  const current = useRef<{ close(): void } | null>(null);

  useEffect(
    () => () => {
      current.current?.close();
      current.current = null;
    },
    [],
  );

  const start = () => {
    const state = useWirelab.getState();
    current.current?.close();
    setSnapshot({ ...IDLE, phase: 'connecting' });
    current.current = runRace({
      room: state.room,
      name: state.name,
      clientId: state.clientId,
      since: state.transport?.cursor() ?? state.cursor,
      onUpdate: setSnapshot,
    });
  };

  const running = snapshot.phase === 'connecting' || snapshot.phase === 'racing';
  const race =
    snapshot.sentAtMs === null
      ? null
      : buildRace({
          sentAtMs: snapshot.sentAtMs,
          committedAtMs: snapshot.committedAtMs,
          clock,
          arrivals: snapshot.arrivals,
          requests: snapshot.requests,
          pollIntervalMs: POLL_INTERVAL_MS,
          timeoutMs: RACE_ARRIVAL_TIMEOUT_MS,
          finished: !running,
        });
  const winner = race?.winner ?? null;
  return (
    <div className="race-panel" ref={setBox}>
      <p className="hint">
        One message, sent once by POST, received over all four transports at the same time by four extra
        receivers in this page. They join the room as “{raceName(name || 'you', 'sse')}” and the like, and
        leave when the race ends.
      </p>
      <div className="race-controls">
        <button type="button" onClick={start} disabled={!joined || running}>
          {snapshot.phase === 'idle' ? 'Start race' : running ? 'Racing…' : 'Race again'}
        </button>
        <ScaleChoice name="race-scale" value={scale} onChange={setScale} />
      </div>
      <p role="status" aria-label="Race status" className="race-status">
        {joined || snapshot.phase !== 'idle' ? statusText(snapshot, winner) : 'Join a room to race.'}
      </p>
      {race && <RaceLanes race={race} scale={scale} chartWidth={chartWidth} />}
      {race && (
        <p className="hint">
          Times are on this page’s clock from the moment the POST left. The dashed line is when the server
          stored the message
          {race.uncertaintyMs === null ? '' : ` (± ${race.uncertaintyMs.toFixed(1)} ms clock offset)`}; the
          boxes are the poll and long-poll requests, the filled one carried the message.
        </p>
      )}
    </div>
  );
}
