/**
 * Where a transport is in the room's history, and which messages it has already delivered. Pure: the
 * transports feed it what the server said, it answers "new or duplicate" and the cursor to resume from.
 *
 * Within one epoch, seqs only grow, and each connection delivers them in order, so "seq at or below the
 * cursor" is exactly "already delivered". A message can legitimately arrive twice: across a reconnect,
 * or when SSE replays from an older `since` than the one it last saw.
 */
import { type ChatMessage, type Cursor, formatCursor, parseCursor } from '../../protocol/messages.ts';

export class CursorTracker {
  #position: Cursor | null;

  constructor(initial: string | null) {
    this.#position = initial === null ? null : parseCursor(initial);
  }

  get cursor(): string | null {
    return this.#position === null ? null : formatCursor(this.#position);
  }

  /**
   * A resume answer. When it continues our epoch losslessly we keep the newer of the two positions;
   * otherwise (a snapshot, a new epoch, or our first answer) the resume's base cursor is where we are.
   */
  resume(recovered: boolean, baseCursor: string): void {
    const base = parseCursor(baseCursor);
    if (base === null) return;
    const current = this.#position;
    if (recovered && current !== null && current.epoch === base.epoch) {
      if (base.seq > current.seq) this.#position = base;
      return;
    }
    this.#position = base;
  }

  /** True when the message is new (and moves the cursor to it); false for a duplicate. */
  accept(message: Pick<ChatMessage, 'epoch' | 'seq'>): boolean {
    const current = this.#position;
    if (current !== null && current.epoch === message.epoch && message.seq <= current.seq) return false;
    this.#position = { epoch: message.epoch, seq: message.seq };
    return true;
  }

  /**
   * Moves forward to a cursor the server named (a poll answer's head) without a message: private
   * messages for others advance the room but never reach us, and asking from before them would make a
   * long poll answer at once, forever.
   */
  advanceTo(cursor: string): void {
    const next = parseCursor(cursor);
    const current = this.#position;
    if (next === null) return;
    if (current === null || (current.epoch === next.epoch && next.seq > current.seq)) this.#position = next;
  }
}

/** The base cursor of an answer that carries its messages: just before the first one, else the head. */
export function baseCursorOf(messages: readonly ChatMessage[], headCursor: string): string {
  const first = messages[0];
  return first ? formatCursor({ epoch: first.epoch, seq: first.seq - 1 }) : headCursor;
}
