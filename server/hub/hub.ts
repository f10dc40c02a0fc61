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
import type { Broker, Unsubscribe } from './broker.ts';
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

/**
 * Ends a long-poll wait early (the client went away, shutdown, the lab's kill). A single callback slot
 * rather than an AbortController: one lives per held poll, and an AbortSignal is an EventTarget with
 * its own listener maps, hundreds of bytes more per held connection (benchmark goal 3).
 */
export class WaitCancel {
  #cancelled = false;
  #onCancel: (() => void) | null = null;

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Idempotent; runs the current listener once. */
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    const listener = this.#onCancel;
    this.#onCancel = null;
    listener?.();
  }

  /** The one listener (null removes it). */
  onCancel(listener: (() => void) | null): void {
    this.#onCancel = listener;
  }
}

export interface WaitOptions {
  timeoutMs: number;
  cancel: WaitCancel;
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
      ...(request.to === undefined ? {} : { to: request.to }),
      kind: request.to === undefined ? 'chat' : 'private',
      text: request.text,
      ...(request.sentAtMs === undefined ? {} : { sentAtMs: request.sentAtMs }),
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
   * The long poll: answers at once when `since` is behind (or could not be honoured), otherwise waits for
   * the next message this viewer may see, the timeout, or a cancel, whichever comes first.
   */
  async waitForNewer(
    room: string,
    viewer: string,
    since: Cursor | null,
    options: WaitOptions,
  ): Promise<ReadAnswer> {
    const arrived: ChatMessage[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = this.broker.subscribe(room, (message) => {
      arrived.push(message);
      wake?.();
    });
    try {
      const answer = await this.broker.history(room, since);
      const visible = answer.messages.filter((message) => isVisibleTo(message, viewer));
      if (visible.length > 0 || !answer.outcome.recovered || since === null) {
        return { messages: visible, cursor: formatCursor(answer.head), outcome: answer.outcome };
      }

      let head = answer.head;
      const fresh: ChatMessage[] = [];
      const drain = () => {
        for (const message of arrived.splice(0)) {
          if (message.seq <= head.seq) continue;
          head = { epoch: message.epoch, seq: message.seq };
          if (isVisibleTo(message, viewer)) fresh.push(message);
        }
      };
      drain();
      if (fresh.length === 0 && !options.cancel.cancelled) {
        await new Promise<void>((resolve) => {
          const finish = () => {
            clearTimeout(timer);
            options.cancel.onCancel(null);
            wake = null;
            resolve();
          };
          const timer = setTimeout(finish, options.timeoutMs);
          options.cancel.onCancel(finish);
          wake = () => {
            drain();
            // Let the rest of a burst published in the same tick ride along in this answer.
            if (fresh.length > 0) queueMicrotask(finish);
          };
        });
        drain();
      }
      return { messages: fresh, cursor: formatCursor(head), outcome: { recovered: true } };
    } finally {
      unsubscribe();
    }
  }

  close(): void {
    this.presence.close();
  }
}
