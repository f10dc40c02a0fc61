/**
 * The inspector channel: `GET /api/inspect?client=` as a WebSocket, carrying what the server saw on the
 * wire for this tab (decoded wire events) and answering clock-sync requests. Same shape as the chat
 * transports: open, an idempotent close, subscriptions that return their unsubscribe, and reconnects
 * with the shared backoff policy. After a reconnect the server replays its recent ring, so events are
 * deduplicated by eventSeq here and listeners only ever see each event once.
 */

import { type InspectClientFrame, InspectServerFrame, type WireEvent } from '../../protocol/inspect.ts';
import { CLOSE_CODES } from '../../protocol/messages.ts';
import { type ClockEstimate, ClockEstimator, pageNowMs } from './clock-sync.ts';
import { Listeners } from './listeners.ts';
import { ReconnectPolicy, type ReconnectPolicyOptions } from './reconnect.ts';
import type { ConnectionStatus, StatusChange, Unsubscribe } from './types.ts';
import { createWatchdog } from './watchdog.ts';

/** Time requests right after each open: several samples quickly, so one lucky short round trip wins. */

export const CLOCK_BURST_COUNT = 5;
export const CLOCK_BURST_SPACING_MS = 100;
/** Then one now and then, to follow drift and to notice a dead socket (see the liveness timeout). */
export const CLOCK_INTERVAL_MS = 10_000;
/**
 * Every time request is answered, so a socket that stays silent for three intervals is dead even when
 * no wire events flow; drop it and reconnect rather than show a stale view as live.
 */
export const INSPECTOR_LIVENESS_TIMEOUT_MS = 3 * CLOCK_INTERVAL_MS + 5_000;
/** Our own close code for a socket that went silent (RFC 6455 section 7.4.2: 4000-4999 are private). */
const CLOSE_LIVENESS_TIMEOUT = 4000;

/** Close codes after which reconnecting would only repeat the refusal. */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CLOSE_CODES.unsupportedData,
  CLOSE_CODES.policyViolation,
  CLOSE_CODES.tooManyConnections,
]);

/** What the server told us about its capture caps in its first frame. */
export interface InspectorHello {
  client: string;
  captureId: string;
  maxUnitBytes: number;
  maxEventsPerClient: number;
}

export interface InspectorOptions {
  clientId: string;
  /** Defaults to the page's origin. */
  baseUrl?: string;
  /** Skip events up to this eventSeq: the page already has them from an earlier inspector. */
  afterEventSeq?: number;
  /** The server's capture id `afterEventSeq` counts in; another id (a restarted server) starts from 0. */
  captureId?: string;
  reconnect?: ReconnectPolicyOptions;
  clockBurstCount?: number;
  clockBurstSpacingMs?: number;
  clockIntervalMs?: number;
  livenessTimeoutMs?: number;
  /** The page clock; injectable for tests. */
  nowMs?: () => number;
}

export interface Inspector {
  /** Starts connecting; calling it on an open or closed inspector does nothing. */
  open(): void;
  /** Stops the socket and every timer; idempotent. */
  close(): void;
  /** The newest eventSeq delivered so far (0 before any). */
  lastEventSeq(): number;
  /** New wire events, oldest first, each delivered once. */
  onEvents(listener: (events: readonly WireEvent[]) => void): Unsubscribe;
  onStatus(listener: (change: StatusChange) => void): Unsubscribe;
  /** The best clock estimate so far, whenever it changes. */
  onClock(listener: (estimate: ClockEstimate) => void): Unsubscribe;
  onHello(listener: (hello: InspectorHello) => void): Unsubscribe;
}

export function inspectorUrl(clientId: string, baseUrl?: string): URL {
  const url = new URL('/api/inspect', baseUrl ?? globalThis.location.origin);
  url.searchParams.set('client', clientId);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

function sameEstimate(a: ClockEstimate | null, b: ClockEstimate): boolean {
  return (
    a !== null &&
    a.offsetMs === b.offsetMs &&
    a.uncertaintyMs === b.uncertaintyMs &&
    a.roundTripMs === b.roundTripMs
  );
}

/** See the error listener in connect(): the close event that follows does the work. */
function ignoreErrorEvent(): void {}

export function createInspector(options: InspectorOptions): Inspector {
  const burstCount = options.clockBurstCount ?? CLOCK_BURST_COUNT;
  const burstSpacingMs = options.clockBurstSpacingMs ?? CLOCK_BURST_SPACING_MS;
  const intervalMs = options.clockIntervalMs ?? CLOCK_INTERVAL_MS;
  const livenessTimeoutMs = options.livenessTimeoutMs ?? INSPECTOR_LIVENESS_TIMEOUT_MS;
  const nowMs = options.nowMs ?? pageNowMs;
  const events = new Listeners<readonly WireEvent[]>();
  const statuses = new Listeners<StatusChange>();
  const clocks = new Listeners<ClockEstimate>();
  const hellos = new Listeners<InspectorHello>();
  const policy = new ReconnectPolicy(options.reconnect);
  // Kept across reconnects: the server's clock did not change because our socket did.
  const estimator = new ClockEstimator();
  let lastEventSeq = options.afterEventSeq ?? 0;
  let knownCaptureId: string | null = options.captureId ?? null;
  let lastEstimate: ClockEstimate | null = null;
  let phase: 'idle' | 'running' | 'closed' = 'idle';
  let status: ConnectionStatus | null = null;
  let socket: WebSocket | null = null;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  const liveness = createWatchdog(() =>
    reconnectLater(`no frame for ${livenessTimeoutMs / 1000} s`, CLOSE_LIVENESS_TIMEOUT),
  );
  let clockTimer: ReturnType<typeof setTimeout> | null = null;
  let timeRequestsOnSocket = 0;
  // One socket message is one event; those that arrive in one task go to listeners as one array.
  let batch: WireEvent[] = [];

  const setStatus = (change: StatusChange) => {
    if (change.status === status && change.status !== 'reconnecting') return;
    status = change.status;
    statuses.emit(change);
  };

  const flushBatch = () => {
    const delivered = batch;
    batch = [];
    if (delivered.length > 0 && phase === 'running') events.emit(delivered);
  };

  const clearTimer = (timer: ReturnType<typeof setTimeout> | null) => {
    if (timer !== null) clearTimeout(timer);
    return null;
  };

  const armLiveness = () => liveness.feed(livenessTimeoutMs);

  const requestTime = () => {
    clockTimer = null;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const frame: InspectClientFrame = { type: 'time', clientSentMs: nowMs() };
    socket.send(JSON.stringify(frame));
    timeRequestsOnSocket += 1;
    clockTimer = setTimeout(requestTime, timeRequestsOnSocket < burstCount ? burstSpacingMs : intervalMs);
  };

  const onTime = (clientSentMs: number, serverNowMs: number) => {
    const best = estimator.add({ clientSentMs, serverNowMs, clientReceivedMs: nowMs() });
    if (best === null || sameEstimate(lastEstimate, best)) return;
    lastEstimate = best;
    clocks.emit(best);
  };

  const onFrame = (data: unknown) => {
    armLiveness();
    let json: unknown = null;
    try {
      json = typeof data === 'string' ? JSON.parse(data) : null;
    } catch {
      // Falls through to the schema, which reports it.
    }
    const parsed = InspectServerFrame.safeParse(json);
    if (!parsed.success) {
      console.error('Inspector: unreadable frame from the server', parsed.error.issues[0], data);
      return;
    }
    const frame = parsed.data;
    switch (frame.type) {
      case 'hello':
        if (frame.captureId !== knownCaptureId) {
          // A restarted server numbers its events from 1 again: what we counted means nothing now.
          lastEventSeq = 0;
          knownCaptureId = frame.captureId;
        }
        hellos.emit({
          client: frame.client,
          captureId: frame.captureId,
          maxUnitBytes: frame.maxUnitBytes,
          maxEventsPerClient: frame.maxEventsPerClient,
        });
        return;
      case 'time':
        onTime(frame.clientSentMs, frame.serverNowMs);
        return;
      case 'wire':
        // The replay after a reconnect repeats what we have; eventSeq only grows per client.
        if (frame.eventSeq <= lastEventSeq) return;
        lastEventSeq = frame.eventSeq;
        if (batch.length === 0) queueMicrotask(flushBatch);
        batch.push(frame);
        return;
      default:
        frame satisfies never;
    }
  };

  const connect = () => {
    reconnectTimer = null;
    const current = new WebSocket(inspectorUrl(options.clientId, options.baseUrl));
    socket = current;
    current.addEventListener('open', () => {
      if (socket !== current) return;
      policy.connected(Date.now());
      setStatus({ status: 'open' });
      armLiveness();
      timeRequestsOnSocket = 0;
      requestTime();
    });
    current.addEventListener('message', (event) => {
      if (socket === current) onFrame(event.data);
    });
    // Every failure is followed by a close event, which carries the code and decides what happens next.
    // The listener must exist all the same: a WebSocket without one (the ws package, closing a socket that
    // is still connecting) treats the error as unhandled and throws.
    current.addEventListener('error', ignoreErrorEvent);
    current.addEventListener('close', (event) => {
      if (socket !== current) return;
      const reason = event.reason ? `: ${event.reason}` : '';
      const error = `closed with ${event.code}${reason}`;
      if (FINAL_CLOSE_CODES.has(event.code)) {
        stop({ status: 'closed', error, closeCode: event.code });
        return;
      }
      reconnectLater(error, undefined, event.code);
    });
  };

  const dropSocket = (code: number, reason: string) => {
    liveness.stop();
    clockTimer = clearTimer(clockTimer);
    const old = socket;
    socket = null;
    if (old && old.readyState <= WebSocket.OPEN) old.close(code, reason);
  };

  const reconnectLater = (error: string, ourCloseCode?: number, closeCode?: number) => {
    dropSocket(ourCloseCode ?? CLOSE_CODES.normal, 'reconnecting');
    reconnectTimer = clearTimer(reconnectTimer);
    const retryInMs = policy.nextDelayMs(Date.now());
    setStatus({
      status: 'reconnecting',
      error,
      retryInMs,
      ...(closeCode === undefined ? {} : { closeCode }),
    });
    reconnectTimer = setTimeout(connect, retryInMs);
  };

  const stop = (change: StatusChange) => {
    if (phase === 'closed') return;
    // Events already parsed were real; hand them over before going quiet.
    flushBatch();
    phase = 'closed';
    reconnectTimer = clearTimer(reconnectTimer);
    dropSocket(CLOSE_CODES.normal, 'page closed the inspector');
    setStatus(change);
  };

  return {
    open() {
      if (phase !== 'idle') return;
      phase = 'running';
      setStatus({ status: 'connecting' });
      connect();
    },
    close: () => stop({ status: 'closed' }),
    lastEventSeq: () => lastEventSeq,
    onEvents: (listener) => events.add(listener),
    onStatus: (listener) => statuses.add(listener),
    onClock: (listener) => clocks.add(listener),
    onHello: (listener) => hellos.add(listener),
  };
}
