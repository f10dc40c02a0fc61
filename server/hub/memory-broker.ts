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
  /** Rooms kept; past this, the least recently used rooms with no subscriber are forgotten. */
  maxRooms?: number;
  now?: () => number;
}

/** The default limit (also config.ts's `maxRooms`): enough for any classroom, few enough that a stream of new names cannot grow the server forever. */
export const DEFAULT_MAX_ROOMS = 10_000;
/** Forgetting goes down to this share of the limit, so a stream of new rooms scans the rooms once per many. */
const FORGET_DOWN_TO = 0.9;

interface Room {
  /** New whenever the room's history is lost; in memory, that is every server start. */
  epoch: string;
  seq: number;
  /** Oldest first, at most historyLimit long. */
  history: ChatMessage[];
  /** Message id -> stored message, for the messages still in history (a retry older than that is new). */
  byId: Map<string, ChatMessage>;
  listeners: Set<MessageListener>;
  /** When the room was last used, as a count of uses across all rooms (the order is all that matters). */
  usedAt: number;
}

export function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/** In-process broker: one Map of rooms. Publish is synchronous underneath, so seq order is fan-out order. */
export class MemoryBroker implements Broker {
  readonly #rooms = new Map<string, Room>();
  readonly #options: Required<MemoryBrokerOptions>;
  #uses = 0;

  constructor(options: MemoryBrokerOptions) {
    this.#options = {
      now: () => performance.timeOrigin + performance.now(),
      maxRooms: DEFAULT_MAX_ROOMS,
      ...options,
    };
  }

  /** Rooms held now (tests and diagnostics). */
  get roomCount(): number {
    return this.#rooms.size;
  }

  #room(name: string): Room {
    const known = this.#rooms.get(name);
    if (known) {
      known.usedAt = ++this.#uses;
      return known;
    }
    const room: Room = {
      epoch: newEpoch(),
      seq: 0,
      history: [],
      byId: new Map(),
      listeners: new Set(),
      usedAt: ++this.#uses,
    };
    this.#rooms.set(name, room);
    if (this.#rooms.size > this.#options.maxRooms) this.#forgetIdleRooms(room);
    return room;
  }

  /**
   * Any request names a room and a room is made on first use, so without a limit a stream of new names
   * would grow the server without end. Over the limit, the least recently used rooms that nobody follows
   * are forgotten, down to FORGET_DOWN_TO of it. Their history is lost as on a restart, never silently:
   * the room comes back with a new epoch, and a cursor from before answers `epoch_changed`. Rooms someone
   * follows are kept whatever their number (connections are limited per client), and so is `creating`, the
   * room being made, which its caller is about to use.
   */
  #forgetIdleRooms(creating: Room): void {
    const keep = Math.floor(this.#options.maxRooms * FORGET_DOWN_TO);
    const idle = [...this.#rooms].filter(([, room]) => room !== creating && room.listeners.size === 0);
    idle.sort(([, a], [, b]) => a.usedAt - b.usedAt);
    for (const [name] of idle) {
      if (this.#rooms.size <= keep) return;
      this.#rooms.delete(name);
    }
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
