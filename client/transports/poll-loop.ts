/**
 * The request loop naive polling and long polling share: ask with the cursor, deliver what came back,
 * ask again. The two differ only in the endpoint, how long the server may hold the request, and how
 * long to wait between answers, so each transport file is a few lines of configuration over this.
 */
import { type ChatMessage, PollResponse, type TransportKind } from '../../protocol/messages.ts';
import { baseCursorOf, CursorTracker } from './cursor.ts';
import { describeError, errorFromResponse, isPermanentFailure, transportUrl } from './http.ts';
import { HttpSender } from './http-sender.ts';
import { Listeners } from './listeners.ts';
import { ReconnectPolicy, type ReconnectPolicyOptions } from './reconnect.ts';
import type { ConnectionStatus, ResumeInfo, StatusChange, Transport, TransportOptions } from './types.ts';

export interface PollLoopConfig {
  kind: TransportKind;
  endpoint: 'poll' | 'long-poll';
  /** Pause between an answer and the next request. */
  intervalMs: number;
  /** Extra query parameters (long polling's timeoutMs). */
  params: Record<string, string>;
  /** Abort a request the server should have answered by now (a dead server holds a long poll forever). */
  requestTimeoutMs: number;
  /**
   * A long poll has no handshake: a request the server is holding is the open connection. A naive poll
   * is open once it has been answered.
   */
  openWhileWaiting: boolean;
  reconnect?: ReconnectPolicyOptions;
}

export function createPollTransport(options: TransportOptions, config: PollLoopConfig): Transport {
  const messages = new Listeners<ChatMessage>();
  const statuses = new Listeners<StatusChange>();
  const resumes = new Listeners<ResumeInfo>();
  const tracker = new CursorTracker(options.since);
  const policy = new ReconnectPolicy(config.reconnect);
  const sender = new HttpSender(options);
  let phase: 'idle' | 'running' | 'closed' = 'idle';
  let status: ConnectionStatus | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inflight: AbortController | null = null;
  // Each (re)connection reports how it resumed, once; later answers only if they lost continuity.
  let resumePending = true;

  const setStatus = (change: StatusChange) => {
    if (change.status === status && change.status !== 'reconnecting') return;
    status = change.status;
    statuses.emit(change);
  };

  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      timer = null;
      void pollOnce();
    }, delayMs);
  };

  const deliver = (answer: PollResponse) => {
    if (resumePending || !answer.recovered) {
      const base = baseCursorOf(answer.messages, answer.cursor);
      tracker.resume(answer.recovered, base);
      resumes.emit({
        recovered: answer.recovered,
        ...(answer.reason === undefined ? {} : { reason: answer.reason }),
        cursor: base,
      });
      resumePending = false;
    }
    for (const message of answer.messages) if (tracker.accept(message)) messages.emit(message);
    tracker.advanceTo(answer.cursor);
  };

  const pollOnce = async () => {
    const controller = new AbortController();
    inflight = controller;
    const url = transportUrl(options, config.endpoint, { ...config.params, since: tracker.cursor });
    if (config.openWhileWaiting && status !== 'reconnecting') setStatus({ status: 'open' });
    try {
      const response = await fetch(url, {
        cache: 'no-store',
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(config.requestTimeoutMs)]),
      });
      if (!response.ok) {
        const error = await errorFromResponse(response);
        if (isPermanentFailure(response.status)) {
          stop(error.message);
          return;
        }
        throw error;
      }
      const answer = PollResponse.parse(await response.json());
      if (phase === 'closed') return;
      deliver(answer);
      policy.succeeded();
      setStatus({ status: 'open' });
      schedule(config.intervalMs);
    } catch (error) {
      if (phase === 'closed') return;
      const retryInMs = policy.nextDelayMs(Date.now());
      resumePending = true;
      setStatus({ status: 'reconnecting', error: describeError(error), retryInMs, attempt: policy.attempt });
      schedule(retryInMs);
    } finally {
      if (inflight === controller) inflight = null;
    }
  };

  const stop = (error?: string) => {
    if (phase === 'closed') return;
    phase = 'closed';
    if (timer !== null) clearTimeout(timer);
    timer = null;
    inflight?.abort();
    inflight = null;
    sender.close();
    setStatus(error === undefined ? { status: 'closed' } : { status: 'closed', error });
  };

  return {
    kind: config.kind,
    open() {
      if (phase !== 'idle') return;
      phase = 'running';
      setStatus({ status: 'connecting' });
      void pollOnce();
    },
    close: () => stop(),
    send: (message) => sender.send(message),
    cursor: () => tracker.cursor,
    onMessage: (listener) => messages.add(listener),
    onStatus: (listener) => statuses.add(listener),
    onResume: (listener) => resumes.add(listener),
  };
}
