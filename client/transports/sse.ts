/**
 * Server-Sent Events over the browser's native EventSource. The stream starts with a `resume` event,
 * then one default event per message, each with `id: <cursor>`, so the browser's own reconnect sends
 * Last-Event-ID and resumes where it left off. Sends go over POST like the other HTTP transports.
 *
 * No liveness watchdog here, unlike the WebSocket: the server's heartbeats are `: heartbeat` comment
 * lines, and EventSource drops comments without telling the page, so a quiet room and a dead stream look
 * the same from here. The resume event's `heartbeatMs` is parsed but unused. The cure would be a named
 * heartbeat event (visible, but it costs an event per interval per client); the comments still do their
 * real job, keeping proxies from cutting an idle stream, and the browser notices a stream that ends.
 */
import { ChatMessage, SSE_RESUME_EVENT, SseResumeData } from '../../protocol/messages.ts';
import { CursorTracker } from './cursor.ts';
import { transportUrl } from './http.ts';
import { HttpSender } from './http-sender.ts';
import { Listeners } from './listeners.ts';
import { ReconnectPolicy, type ReconnectPolicyOptions } from './reconnect.ts';
import type { ConnectionStatus, ResumeInfo, StatusChange, Transport, TransportOptions } from './types.ts';

export interface SseOptions extends TransportOptions {
  reconnect?: ReconnectPolicyOptions;
}

function parseData(event: MessageEvent): unknown {
  if (typeof event.data !== 'string') return null;
  try {
    return JSON.parse(event.data);
  } catch {
    return null;
  }
}

export function createSseTransport(options: SseOptions): Transport {
  const messages = new Listeners<ChatMessage>();
  const statuses = new Listeners<StatusChange>();
  const resumes = new Listeners<ResumeInfo>();
  const tracker = new CursorTracker(options.since);
  const policy = new ReconnectPolicy(options.reconnect);
  const sender = new HttpSender(options);
  let phase: 'idle' | 'running' | 'closed' = 'idle';
  let status: ConnectionStatus | null = null;
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const setStatus = (change: StatusChange) => {
    if (change.status === status && change.status !== 'reconnecting') return;
    status = change.status;
    statuses.emit(change);
  };

  const protocolError = (what: string) => {
    // A payload we cannot parse is a server bug; skipping it would hide a gap, so restart from the cursor.
    console.error(`SSE: ${what}; reconnecting from ${tracker.cursor ?? 'the start'}`);
    reconnectLater(`unreadable ${what}`);
  };

  const onResume = (event: MessageEvent) => {
    const data = SseResumeData.safeParse(parseData(event));
    if (!data.success) {
      protocolError('resume event');
      return;
    }
    tracker.resume(data.data.recovered, data.data.cursor);
    resumes.emit(data.data);
  };

  const onMessage = (event: MessageEvent) => {
    const message = ChatMessage.safeParse(parseData(event));
    if (!message.success) {
      protocolError('message event');
      return;
    }
    if (tracker.accept(message.data)) messages.emit(message.data);
  };

  const connect = () => {
    timer = null;
    const next = new EventSource(transportUrl(options, 'sse', { since: tracker.cursor }));
    source = next;
    next.addEventListener('open', () => {
      policy.connected(Date.now());
      setStatus({ status: 'open' });
    });
    next.addEventListener(SSE_RESUME_EVENT, onResume);
    next.addEventListener('message', onMessage);
    next.addEventListener('error', () => {
      if (source !== next) return;
      // While the source is CONNECTING the browser reconnects by itself and sends Last-Event-ID, which the
      // server honours over the `since` in the URL. A CLOSED source (an HTTP error) it gave up on: ours to retry.
      if (next.readyState === EventSource.CLOSED) {
        reconnectLater('the event stream failed');
        return;
      }
      setStatus({ status: 'reconnecting', error: 'the event stream dropped; the browser is reconnecting' });
    });
  };

  const dropSource = () => {
    source?.close();
    source = null;
  };

  const reconnectLater = (error: string) => {
    dropSource();
    if (timer !== null) clearTimeout(timer);
    const retryInMs = policy.nextDelayMs(Date.now());
    setStatus({ status: 'reconnecting', error, retryInMs, attempt: policy.attempt });
    timer = setTimeout(connect, retryInMs);
  };

  return {
    kind: 'sse',
    open() {
      if (phase !== 'idle') return;
      phase = 'running';
      setStatus({ status: 'connecting' });
      connect();
    },
    close() {
      if (phase === 'closed') return;
      phase = 'closed';
      if (timer !== null) clearTimeout(timer);
      timer = null;
      dropSource();
      sender.close();
      setStatus({ status: 'closed' });
    },
    send: (message) => sender.send(message),
    cursor: () => tracker.cursor,
    onMessage: (listener) => messages.add(listener),
    onStatus: (listener) => statuses.add(listener),
    onResume: (listener) => resumes.add(listener),
  };
}
