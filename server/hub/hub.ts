/**
 * The chat hub: what every transport calls. It validates nothing about HTTP or frames; it knows rooms,
 * seqs, who may see a private message, presence, the send rate and the resume rules. Transports turn
 * its answers into bytes.
 */
import { randomUUID } from 'node:crypto';
import {
  type ChatMessage,
  type Cursor,
  formatCursor,
  type ResumeOutcome,
  type SendAck,
  type SendRequest,
  utf8ByteLength,
} from '../../protocol/messages.ts';
import type { Config } from '../config.ts';
import type { Broker, HistoryAnswer, Unsubscribe } from './broker.ts';
import { PresenceTracker } from './presence.ts';
import { SendRateLimiter } from './send-rate.ts';

export type SendOutcome =
  | { ok: true; ack: SendAck; duplicate: boolean }
  | { ok: false; code: 'payload_too_large'; message: string }
  | { ok: false; code: 'rate_limited'; message: string; retryAfterSeconds: number };

export interface ReadAnswer {
  /** Only what this viewer may see: private messages reach their sender and their target only. */
  messages: ChatMessage[];
  /** Ask from here next time (the room's head when the answer was made). */
  cursor: string;
  outcome: ResumeOutcome;
}

export interface FollowSink {
  /**
   * Called once, first. `baseCursor` is the cursor just before the first message that follows, so a
   * client that stores it and then each message's cursor can always resume exactly.
   */
  resume(outcome: ResumeOutcome, baseCursor: string): void;
  message(message: ChatMessage): void;
}

/** Told a held long poll's answer, exactly once. */
export interface NewerSink {
  answer(answer: ReadAnswer): void;
}

/** Expires a wait; module-level, so a held poll's timer carries no closure of its own. */
function expire(wait: NewerWait): void {
  wait.cancel();
}

/**
 * One held long poll in the hub: subscribed to its room, waiting for the first message its viewer may
 * see, its timeout, or a cancel. A class with its methods on the prototype, not a promise and a handful
 * of closures: thousands of these sit idle at once (benchmark goal 3, memory per held poll).
 */
export class NewerWait {
  readonly #viewer: string;
  readonly #sink: NewerSink;
  /** Null while history is read: what arrives meanwhile waits in #arrived. */
  #head: Cursor | null = null;
  #arrived: ChatMessage[] | null = [];
  #fresh: ChatMessage[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #answerQueued = false;
  #done = false;
  unsubscribe: Unsubscribe | null = null;

  constructor(viewer: string, sink: NewerSink) {
    this.#viewer = viewer;
    this.#sink = sink;
  }

  /** The broker's listener. */
  onMessage(message: ChatMessage): void {
    if (this.#done) return;
    if (this.#arrived) {
      this.#arrived.push(message);
      return;
    }
    this.#take(message);
    // Let the rest of a burst published in the same tick ride along in this answer.
    if (this.#fresh.length > 0 && !this.#answerQueued) {
      this.#answerQueued = true;
      queueMicrotask(() => this.cancel());
    }
  }

  /** History answered with nothing new: take what arrived meanwhile, then wait (or answer at once). */
  startWaiting(head: Cursor, timeoutMs: number): void {
    this.#head = head;
    const arrived = this.#arrived ?? [];
    this.#arrived = null;
    for (const message of arrived) this.#take(message);
    if (this.#fresh.length > 0) {
      this.cancel();
      return;
    }
    this.#timer = setTimeout(expire, timeoutMs, this);
  }

  /** Answers now with what arrived (usually nothing): the timeout, the client left, shutdown, a kill. */
  cancel(): void {
    const head = this.#head;
    // Before startWaiting nobody but holdForNewer holds the wait, and it answers from history itself.
    if (this.#done || head === null) return;
    this.#answer({ messages: this.#fresh, cursor: formatCursor(head), outcome: { recovered: true } });
  }

  /** Answers with history's own answer (the cursor was behind, absent or lost). */
  answerNow(answer: ReadAnswer): void {
    this.#answer(answer);
  }

  #take(message: ChatMessage): void {
    const head = this.#head;
    if (!head || message.seq <= head.seq) return;
    this.#head = { epoch: message.epoch, seq: message.seq };
    if (isVisibleTo(message, this.#viewer)) this.#fresh.push(message);
  }

  #answer(answer: ReadAnswer): void {
    this.#done = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.#sink.answer(answer);
  }
}

export type HubConfig = Pick<
  Config,
  'maxMessageBytes' | 'presenceGraceMs' | 'sendRatePerSecond' | 'sendBurst'
>;

export function isVisibleTo(message: ChatMessage, viewer: string): boolean {
  return message.kind !== 'private' || message.from === viewer || message.to === viewer;
}

export class Hub {
  readonly broker: Broker;
  readonly presence: PresenceTracker;
  readonly #config: HubConfig;
  readonly #sendRate: SendRateLimiter;

  constructor(broker: Broker, config: HubConfig) {
    this.broker = broker;
    this.#config = config;
    this.#sendRate = new SendRateLimiter(config.sendRatePerSecond, config.sendBurst);
    this.presence = new PresenceTracker(config.presenceGraceMs, (room, name, kind) => {
      this.broker
        .publish({
          room,
          id: `${kind}-${randomUUID()}`,
          from: name,
          kind,
          text: kind === 'join' ? 'joined' : 'left',
        })
        .catch((error: unknown) => console.error(`publishing ${kind} of ${name} in ${room} failed`, error));
    });
  }

  async send(room: string, clientId: string, request: SendRequest): Promise<SendOutcome> {
    const textBytes = utf8ByteLength(request.text);
    if (textBytes > this.#config.maxMessageBytes) {
      return {
        ok: false,
        code: 'payload_too_large',
        message: `text is ${textBytes} bytes; the limit is ${this.#config.maxMessageBytes}`,
      };
    }
    const rate = this.#sendRate.take(clientId);
    if (!rate.allowed) {
      return {
        ok: false,
        code: 'rate_limited',
        message: `too many messages from client ${clientId}; retry in ${rate.retryAfterSeconds} s`,
        retryAfterSeconds: rate.retryAfterSeconds,
      };
    }
    const { message, duplicate } = await this.broker.publish({
      room,
      id: request.id,
      from: request.from,
      to: request.to,
      kind: request.to === undefined ? 'chat' : 'private',
      text: request.text,
      sentAtMs: request.sentAtMs,
    });
    return { ok: true, ack: { seq: message.seq, epoch: message.epoch, cursor: message.cursor }, duplicate };
  }

  /** One answer now (naive polling). Rejects with CursorAheadError for a cursor beyond the room. */
  async read(room: string, viewer: string, since: Cursor | null): Promise<ReadAnswer> {
    const answer = await this.broker.history(room, since);
    return {
      messages: answer.messages.filter((message) => isVisibleTo(message, viewer)),
      cursor: formatCursor(answer.head),
      outcome: answer.outcome,
    };
  }

  /**
   * History after `since`, then live messages, with no gap and no duplicate between the two: subscribe
   * first, buffer what arrives while history is read, then drop buffered seqs history already had.
   */
  async follow(room: string, viewer: string, since: Cursor | null, sink: FollowSink): Promise<Unsubscribe> {
    let lastSeq = 0;
    let buffered: ChatMessage[] | null = [];
    const deliver = (message: ChatMessage) => {
      if (message.seq <= lastSeq) return;
      lastSeq = message.seq;
      if (isVisibleTo(message, viewer)) sink.message(message);
    };
    const unsubscribe = this.broker.subscribe(room, (message) => {
      if (buffered) buffered.push(message);
      else deliver(message);
    });
    try {
      const answer = await this.broker.history(room, since);
      const first = answer.messages[0];
      const baseSeq = first ? first.seq - 1 : answer.head.seq;
      sink.resume(answer.outcome, formatCursor({ epoch: answer.head.epoch, seq: baseSeq }));
      for (const message of answer.messages) deliver(message);
      lastSeq = Math.max(lastSeq, answer.head.seq);
      const pending = buffered;
      buffered = null;
      for (const message of pending) deliver(message);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /**
   * The long poll: answers at once when `since` is behind (or could not be honoured), otherwise holds
   * until the next message this viewer may see, the timeout, or `cancel()` on the returned wait,
   * whichever comes first. The sink hears the answer exactly once, possibly before this resolves.
   * Rejects with CursorAheadError (and tells the sink nothing) for a cursor beyond the room.
   */
  async holdForNewer(
    room: string,
    viewer: string,
    since: Cursor | null,
    timeoutMs: number,
    sink: NewerSink,
  ): Promise<NewerWait> {
    const wait = new NewerWait(viewer, sink);
    // Subscribe before reading history, so nothing published in between is missed.
    const unsubscribe = this.broker.subscribe(room, (message) => wait.onMessage(message));
    wait.unsubscribe = unsubscribe;
    let answer: HistoryAnswer;
    try {
      answer = await this.broker.history(room, since);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    const visible = answer.messages.filter((message) => isVisibleTo(message, viewer));
    if (visible.length > 0 || !answer.outcome.recovered || since === null) {
      wait.answerNow({ messages: visible, cursor: formatCursor(answer.head), outcome: answer.outcome });
      return wait;
    }
    wait.startWaiting(answer.head, timeoutMs);
    return wait;
  }

  close(): void {
    this.presence.close();
  }
}
