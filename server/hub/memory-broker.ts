import { randomBytes } from 'node:crypto';
import { type ChatMessage, type Cursor, formatCursor } from '../../protocol/messages.ts';
import {
  type Broker,
  CursorAheadError,
  type HistoryAnswer,
  type MessageListener,
  type PublishInput,
  type PublishResult,
  type Unsubscribe,
} from './broker.ts';

export interface MemoryBrokerOptions {
  historyLimit: number;
  snapshotSize: number;
  now?: () => number;
}

interface Room {
  /** New whenever the room's history is lost; in memory, that is every server start. */
  epoch: string;
  seq: number;
  /** Oldest first, at most historyLimit long. */
  history: ChatMessage[];
  /** Message id -> stored message, for the messages still in history (a retry older than that is new). */
  byId: Map<string, ChatMessage>;
  listeners: Set<MessageListener>;
}

export function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/** In-process broker: one Map of rooms. Publish is synchronous underneath, so seq order is fan-out order. */
export class MemoryBroker implements Broker {
  readonly #rooms = new Map<string, Room>();
  readonly #options: Required<MemoryBrokerOptions>;

  constructor(options: MemoryBrokerOptions) {
    this.#options = { now: () => performance.timeOrigin + performance.now(), ...options };
  }

  #room(name: string): Room {
    let room = this.#rooms.get(name);
    if (!room) {
      room = { epoch: newEpoch(), seq: 0, history: [], byId: new Map(), listeners: new Set() };
      this.#rooms.set(name, room);
    }
    return room;
  }

  async publish(input: PublishInput): Promise<PublishResult> {
    const room = this.#room(input.room);
    const existing = room.byId.get(input.id);
    if (existing) return { message: existing, duplicate: true };

    room.seq += 1;
    const cursor = { epoch: room.epoch, seq: room.seq };
    // `to` and `sentAtMs` are present even when undefined (JSON leaves them out, and every reader treats
    // the two alike): every message then has one shape, so the reads along the fan-out stay monomorphic
    // and no spread builds a throwaway object per message (benchmark goal 5).
    const message: ChatMessage = {
      seq: room.seq,
      epoch: room.epoch,
      cursor: formatCursor(cursor),
      room: input.room,
      id: input.id,
      from: input.from,
      to: input.to,
      kind: input.kind,
      text: input.text,
      sentAtMs: input.sentAtMs,
      committedAtMs: this.#options.now(),
    };
    room.history.push(message);
    room.byId.set(message.id, message);
    if (room.history.length > this.#options.historyLimit) {
      const evicted = room.history.shift();
      if (evicted) room.byId.delete(evicted.id);
    }
    // A listener that throws must not stop fan-out to the others, nor fail the publish that was committed.
    for (const listener of [...room.listeners]) {
      try {
        listener(message);
      } catch (error) {
        console.error('broker listener failed', error);
      }
    }
    return { message, duplicate: false };
  }

  subscribe(roomName: string, listener: MessageListener): Unsubscribe {
    const room = this.#room(roomName);
    room.listeners.add(listener);
    return () => {
      room.listeners.delete(listener);
    };
  }

  async history(roomName: string, since: Cursor | null): Promise<HistoryAnswer> {
    const room = this.#room(roomName);
    const head = { epoch: room.epoch, seq: room.seq };
    const snapshot = () => room.history.slice(-this.#options.snapshotSize);
    if (since === null) return { messages: snapshot(), head, outcome: { recovered: true } };
    if (since.epoch !== room.epoch) {
      return { messages: snapshot(), head, outcome: { recovered: false, reason: 'epoch_changed' } };
    }
    if (since.seq > room.seq) throw new CursorAheadError(since);
    const oldestSeq = room.history[0]?.seq ?? room.seq + 1;
    // Lossless only if every message after `since` is still kept: the first one we need is since.seq + 1.
    if (since.seq + 1 < oldestSeq) {
      return { messages: snapshot(), head, outcome: { recovered: false, reason: 'window_exceeded' } };
    }
    // Seqs are contiguous in history, so the index of seq s is s - oldestSeq.
    return { messages: room.history.slice(since.seq + 1 - oldestSeq), head, outcome: { recovered: true } };
  }

  async close(): Promise<void> {
    for (const room of this.#rooms.values()) room.listeners.clear();
  }
}
