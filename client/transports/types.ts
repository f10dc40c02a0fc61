/**
 * The one contract every client transport implements (the tldraw sync-core shape): open, close, send,
 * and three subscriptions that each return their unsubscribe. The store talks to this interface only.
 */
import type { ChatMessage, ResumeFailure, SendAck, TransportKind } from '../../protocol/messages.ts';
import type { TransportAttempt } from './fallback.ts';

export type Unsubscribe = () => void;

/** What the learner can pick: one of the four, or Auto, which tries them in turn (fallback.ts). */
export type TransportChoice = TransportKind | 'auto';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StatusChange {
  status: ConnectionStatus;
  /** Why the last attempt failed, in words a learner can read. */
  error?: string;
  /** The WebSocket close code that ended the last connection. */
  closeCode?: number;
  /** When status is 'reconnecting': how long until the next attempt. */
  retryInMs?: number;
  /** When status is 'reconnecting': how many tries in a row have failed, this one included. */
  attempt?: number;
}

/**
 * What a (re)connection said about continuity. `recovered: false` means the messages that follow are a
 * snapshot that replaces whatever the page showed, and the page must say so.
 */
export interface ResumeInfo {
  recovered: boolean;
  reason?: ResumeFailure;
  cursor: string;
}

export interface OutgoingMessage {
  /** Client-generated; the server stores each id once, so sending it again is safe. */
  id: string;
  text: string;
  to?: string;
  sentAtMs: number;
}

export interface TransportOptions {
  room: string;
  clientId: string;
  name: string;
  /** Resume after this cursor ("epoch:seq"); null starts from the room's recent history. */
  since: string | null;
  /** Defaults to the page's origin. */
  baseUrl?: string;
}

export interface Transport {
  readonly kind: TransportChoice;
  /** Starts connecting; calling it on an open or closed transport does nothing. */
  open(): void;
  /** Stops everything this transport started; idempotent. Pending sends reject with TransportClosedError. */
  close(): void;
  send(message: OutgoingMessage): Promise<SendAck>;
  /** The cursor to resume from: the newest position this transport has delivered. */
  cursor(): string | null;
  onMessage(listener: (message: ChatMessage) => void): Unsubscribe;
  onStatus(listener: (change: StatusChange) => void): Unsubscribe;
  onResume(listener: (resume: ResumeInfo) => void): Unsubscribe;
  /**
   * Only a transport that chooses among others (Auto) has this: the attempts so far, the whole list on
   * every change, newest last.
   */
  onAttempts?(listener: (attempts: readonly TransportAttempt[]) => void): Unsubscribe;
}

export type TransportFactory = (options: TransportOptions) => Transport;

/** A send the server refused or that could not reach it. `code` is the server's error code when it gave one. */
export class SendError extends Error {
  override name = 'SendError';
  constructor(
    message: string,
    readonly code: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The transport was closed (by the page or for good) before the send was acknowledged. */
export class TransportClosedError extends SendError {
  override name = 'TransportClosedError';
  constructor() {
    super('the connection closed before the server acknowledged the message', 'transport_closed');
  }
}
