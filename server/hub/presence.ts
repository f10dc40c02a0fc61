/**
 * Join and leave, derived from connections. A name is present while it holds a connection (SSE,
 * WebSocket, a held long poll) or its last poll was recent; it leaves `graceMs` after that ends, so a
 * long-polling client between two polls, or a WebSocket that reconnects, does not flicker out and in.
 */

export type PresenceChange = (room: string, name: string, kind: 'join' | 'leave') => void;

interface Presence {
  holds: number;
  /** Present until this time even without holds (the poller's lease). */
  leaseUntilMs: number;
  leaveTimer: ReturnType<typeof setTimeout> | null;
}

export class PresenceTracker {
  readonly #rooms = new Map<string, Map<string, Presence>>();
  readonly #graceMs: number;
  readonly #onChange: PresenceChange;

  constructor(graceMs: number, onChange: PresenceChange) {
    this.#graceMs = graceMs;
    this.#onChange = onChange;
  }

  /** Marks the name present until the returned release is called (idempotent), plus the grace period. */
  hold(room: string, name: string): () => void {
    const entry = this.#arrive(room, name);
    entry.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.holds -= 1;
      this.#scheduleLeave(room, name, entry, this.#graceMs);
    };
  }

  /** Marks the name present for `leaseMs` more (a naive poll), plus the grace period. */
  touch(room: string, name: string, leaseMs: number): void {
    const entry = this.#arrive(room, name);
    entry.leaseUntilMs = Math.max(entry.leaseUntilMs, Date.now() + leaseMs);
    this.#scheduleLeave(room, name, entry, leaseMs + this.#graceMs);
  }

  present(room: string): string[] {
    return [...(this.#rooms.get(room)?.keys() ?? [])];
  }

  /** Cancels every pending leave timer; used at shutdown. */
  close(): void {
    for (const names of this.#rooms.values()) {
      for (const entry of names.values()) if (entry.leaveTimer) clearTimeout(entry.leaveTimer);
    }
    this.#rooms.clear();
  }

  #arrive(room: string, name: string): Presence {
    let names = this.#rooms.get(room);
    if (!names) {
      names = new Map();
      this.#rooms.set(room, names);
    }
    let entry = names.get(name);
    if (!entry) {
      entry = { holds: 0, leaseUntilMs: 0, leaveTimer: null };
      names.set(name, entry);
      this.#onChange(room, name, 'join');
    }
    if (entry.leaveTimer) {
      clearTimeout(entry.leaveTimer);
      entry.leaveTimer = null;
    }
    return entry;
  }

  #scheduleLeave(room: string, name: string, entry: Presence, delayMs: number): void {
    if (entry.holds > 0) return;
    if (entry.leaveTimer) clearTimeout(entry.leaveTimer);
    entry.leaveTimer = setTimeout(() => {
      entry.leaveTimer = null;
      if (entry.holds > 0) return;
      if (Date.now() < entry.leaseUntilMs) {
        this.#scheduleLeave(room, name, entry, entry.leaseUntilMs - Date.now() + this.#graceMs);
        return;
      }
      const names = this.#rooms.get(room);
      names?.delete(name);
      if (names?.size === 0) this.#rooms.delete(room);
      this.#onChange(room, name, 'leave');
    }, delayMs);
    entry.leaveTimer.unref?.();
  }
}
