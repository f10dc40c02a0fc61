/**
 * The seam between the hub and where messages live. The in-memory broker is the default; a Redis
 * Streams broker (history in a stream per room, fan-out across instances) implements the same
 * interface, so transports and the hub never change when it slots in. Every method is async for that reason.
 */
import type { ChatMessage, Cursor, MessageKind, ResumeOutcome } from '../../protocol/messages.ts';

export interface PublishInput {
  room: string;
  id: string;
  from: string;
  to?: string;
  kind: MessageKind;
  text: string;
  sentAtMs?: number;
}

export interface PublishResult {
  message: ChatMessage;
  /** True when this `id` was already stored: the stored message is returned and nothing is fanned out. */
  duplicate: boolean;
}

export interface HistoryAnswer {
  /** Messages after the cursor, or the recent snapshot when there was no cursor or it could not be honoured. */
  messages: ChatMessage[];
  /** The room's newest cursor at the time of the answer: ask from here next time. */
  head: Cursor;
  outcome: ResumeOutcome;
}

export type MessageListener = (message: ChatMessage) => void;
export type Unsubscribe = () => void;

/** A cursor that names this room's epoch but a seq the room has not reached: a bogus or forged cursor. */
export class CursorAheadError extends Error {
  override name = 'CursorAheadError';
  constructor(readonly cursor: Cursor) {
    super(`cursor ${cursor.epoch}:${cursor.seq} is ahead of the room`);
  }
}

export interface Broker {
  /** Stores a message once per `id` and room, assigns the next seq, then fans it out to subscribers in seq order. */
  publish(input: PublishInput): Promise<PublishResult>;
  /** Live messages of a room, in seq order, from the moment of the call. */
  subscribe(room: string, listener: MessageListener): Unsubscribe;
  /**
   * Messages after `since`. Without a cursor: the last `snapshotSize` messages, recovered. With a cursor of
   * another epoch, or older than the kept history: the snapshot, `recovered: false` with the reason.
   * Rejects with CursorAheadError for a cursor beyond the room's head.
   */
  history(room: string, since: Cursor | null): Promise<HistoryAnswer>;
  close(): Promise<void>;
}
