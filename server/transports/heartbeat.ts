/**
 * One timer per heartbeat interval for all connections, instead of an interval timer per connection.
 * At 10,000 idle connections the per-connection timers were a Timeout object and its list links each
 * (benchmark goal 3, memory per idle connection); the reference servers keep none. Every connection's
 * beat runs on the shared tick, so its first beat comes anywhere from at once to one interval after it
 * opened, and later ones exactly one interval apart: a WebSocket that missed a pong is still found
 * within two intervals.
 */
export class HeartbeatTicker {
  readonly intervalMs: number;
  readonly #beats = new Set<() => void>();
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  /** Calls `beat` on every tick until the returned function is called (idempotent). */
  add(beat: () => void): () => void {
    this.#beats.add(beat);
    this.#timer ??= setInterval(() => this.#tick(), this.intervalMs);
    return () => {
      this.#beats.delete(beat);
      if (this.#beats.size === 0 && this.#timer) {
        clearInterval(this.#timer);
        this.#timer = null;
      }
    };
  }

  get size(): number {
    return this.#beats.size;
  }

  #tick(): void {
    // A beat may end its connection and remove itself (or another) while the tick runs.
    for (const beat of [...this.#beats]) {
      try {
        beat();
      } catch (error) {
        console.error('a heartbeat failed', error);
      }
    }
  }
}
