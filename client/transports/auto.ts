/**
 * Auto: tries WebSocket, then SSE, then long polling (fallback.ts decides), and keeps the first that
 * opens. From then on it is that transport, with that transport's own reconnect policy: falling back
 * again on every blip would hide the very reconnects the page is there to show. When every transport
 * fails, it pauses with backoff and starts over from the best.
 *
 * Each attempt starts from the cursor the previous one ended at, and an attempt that never connected
 * delivered nothing, so switching loses and repeats no message.
 */
import type { ChatMessage, SendAck, TransportKind } from '../../protocol/messages.ts';
import {
  type AttemptSignal,
  AUTO_ATTEMPT_TIMEOUT_MS,
  FALLBACK_ORDER,
  judgeAttempt,
  nextKind,
  type TransportAttempt,
} from './fallback.ts';
import { Listeners } from './listeners.ts';
import { ReconnectPolicy, type ReconnectPolicyOptions } from './reconnect.ts';
import {
  type ConnectionStatus,
  type OutgoingMessage,
  type ResumeInfo,
  SendError,
  type StatusChange,
  type Transport,
  TransportClosedError,
  type TransportFactory,
  type TransportOptions,
  type Unsubscribe,
} from './types.ts';

/** A send made before any transport connected waits this long for one, then fails like an unacked send. */
export const AUTO_SEND_WAIT_MS = 10_000;

export interface AutoOptions extends TransportOptions {
  /** How long one attempt may take to open (tests shorten it). */
  attemptTimeoutMs?: number;
  order?: readonly TransportKind[];
  /** The pause before starting over once every transport has failed. */
  reconnect?: ReconnectPolicyOptions;
}

interface WaitingSend {
  message: OutgoingMessage;
  resolve: (ack: SendAck) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** `factories` are the transports to choose from (the registry passes its own; tests make one fail). */
export function createAutoTransport(
  options: AutoOptions,
  factories: Readonly<Record<TransportKind, TransportFactory>>,
): Transport {
  const attemptTimeoutMs = options.attemptTimeoutMs ?? AUTO_ATTEMPT_TIMEOUT_MS;
  const order = options.order ?? FALLBACK_ORDER;
  const messages = new Listeners<ChatMessage>();
  const statuses = new Listeners<StatusChange>();
  const resumes = new Listeners<ResumeInfo>();
  const attemptListeners = new Listeners<readonly TransportAttempt[]>();
  const policy = new ReconnectPolicy(options.reconnect);
  let phase: 'idle' | 'probing' | 'connected' | 'waiting' | 'closed' = 'idle';
  let status: ConnectionStatus | null = null;
  let attempts: readonly TransportAttempt[] = [];
  let inner: Transport | null = null;
  let innerKind: TransportKind | null = null;
  let innerSubscriptions: Unsubscribe[] = [];
  let attemptTimer: ReturnType<typeof setTimeout> | null = null;
  let roundTimer: ReturnType<typeof setTimeout> | null = null;
  /** Where the next attempt starts: the cursor the last one reached. */
  let cursor = options.since;
  const waiting: WaitingSend[] = [];

  const setStatus = (change: StatusChange) => {
    if (change.status === status && change.status !== 'reconnecting') return;
    status = change.status;
    statuses.emit(change);
  };

  const updateLastAttempt = (change: Partial<TransportAttempt>) => {
    const last = attempts.at(-1);
    if (!last) return;
    attempts = [...attempts.slice(0, -1), { ...last, ...change }];
    attemptListeners.emit(attempts);
  };

  const clearAttemptTimer = () => {
    if (attemptTimer !== null) clearTimeout(attemptTimer);
    attemptTimer = null;
  };

  const dropInner = () => {
    clearAttemptTimer();
    for (const unsubscribe of innerSubscriptions) unsubscribe();
    innerSubscriptions = [];
    if (inner) {
      cursor = inner.cursor() ?? cursor;
      inner.close();
    }
    inner = null;
    innerKind = null;
  };

  const flushWaiting = (target: Transport) => {
    for (const entry of waiting.splice(0)) {
      clearTimeout(entry.timer);
      target.send(entry.message).then(entry.resolve, entry.reject);
    }
  };

  const onSignal = (kind: TransportKind, signal: AttemptSignal) => {
    if (phase !== 'probing' || kind !== innerKind) return;
    const verdict = judgeAttempt(kind, signal);
    switch (verdict.type) {
      case 'wait':
        return;
      case 'connected': {
        clearAttemptTimer();
        phase = 'connected';
        policy.succeeded();
        updateLastAttempt({ state: 'connected', ...(verdict.note ? { reason: verdict.note } : {}) });
        setStatus({ status: 'open' });
        if (inner) flushWaiting(inner);
        return;
      }
      case 'failed':
        dropInner();
        updateLastAttempt({ state: 'failed', reason: verdict.reason });
        tryNext(kind);
        return;
      default:
        verdict satisfies never;
    }
  };

  /** After a verdict the inner transport speaks for itself: its reconnects are the page's reconnects. */
  const onInnerStatus = (kind: TransportKind, change: StatusChange) => {
    if (phase === 'connected') {
      if (change.status === 'closed') {
        // It gave up for good (a refusal retrying would only repeat): so do we, with its reason.
        stop(change);
        return;
      }
      setStatus(change);
      return;
    }
    if (change.status === 'open') onSignal(kind, { type: 'opened' });
    else if (change.status === 'reconnecting' || change.status === 'closed') {
      const signal: AttemptSignal = {
        type: 'failed',
        ...(change.error === undefined ? {} : { error: change.error }),
        ...(change.closeCode === undefined ? {} : { closeCode: change.closeCode }),
      };
      // Not from inside its emit: a transport schedules its own retry right after announcing it, so
      // closing it now would leave that timer behind. On the next microtask its close() clears it.
      queueMicrotask(() => onSignal(kind, signal));
    }
  };

  const startAttempt = (kind: TransportKind) => {
    const next = factories[kind]({ ...options, since: cursor });
    inner = next;
    innerKind = kind;
    attempts = [...attempts, { kind, state: 'trying', startedAtMs: Date.now() }];
    attemptListeners.emit(attempts);
    innerSubscriptions = [
      next.onMessage((message) => {
        if (inner === next) messages.emit(message);
      }),
      next.onResume((resume) => {
        if (inner !== next) return;
        resumes.emit(resume);
        onSignal(kind, { type: 'resumed' });
      }),
      next.onStatus((change) => {
        if (inner === next) onInnerStatus(kind, change);
      }),
    ];
    attemptTimer = setTimeout(() => {
      attemptTimer = null;
      onSignal(kind, { type: 'timed-out', afterMs: attemptTimeoutMs });
    }, attemptTimeoutMs);
    next.open();
  };

  const tryNext = (failed: TransportKind | null) => {
    if (phase === 'closed') return;
    const kind = nextKind(order, failed);
    if (kind !== null) {
      phase = 'probing';
      startAttempt(kind);
      return;
    }
    // Every transport failed: the server is down or the network is. Pause, then start over from the best.
    phase = 'waiting';
    const retryInMs = policy.nextDelayMs(Date.now());
    setStatus({
      status: 'reconnecting',
      error: 'no transport could connect',
      retryInMs,
      attempt: policy.attempt,
    });
    roundTimer = setTimeout(() => {
      roundTimer = null;
      attempts = [];
      tryNext(null);
    }, retryInMs);
  };

  const stop = (change: StatusChange) => {
    if (phase === 'closed') return;
    phase = 'closed';
    if (roundTimer !== null) clearTimeout(roundTimer);
    roundTimer = null;
    dropInner();
    for (const entry of waiting.splice(0)) {
      clearTimeout(entry.timer);
      entry.reject(new TransportClosedError());
    }
    setStatus(change);
  };

  return {
    kind: 'auto',
    open() {
      if (phase !== 'idle') return;
      setStatus({ status: 'connecting' });
      tryNext(null);
    },
    close: () => stop({ status: 'closed' }),
    send(message) {
      if (phase === 'closed') return Promise.reject(new TransportClosedError());
      if (phase === 'connected' && inner) return inner.send(message);
      return new Promise<SendAck>((resolve, reject) => {
        const entry: WaitingSend = {
          message,
          resolve,
          reject,
          timer: setTimeout(() => {
            const index = waiting.indexOf(entry);
            if (index >= 0) waiting.splice(index, 1);
            reject(new SendError(`no transport connected within ${AUTO_SEND_WAIT_MS / 1000} s`, 'timeout'));
          }, AUTO_SEND_WAIT_MS),
        };
        waiting.push(entry);
      });
    },
    cursor: () => inner?.cursor() ?? cursor,
    onMessage: (listener) => messages.add(listener),
    onStatus: (listener) => statuses.add(listener),
    onResume: (listener) => resumes.add(listener),
    onAttempts: (listener) => attemptListeners.add(listener),
  };
}
