/**
 * Reconnect policy, pure: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
 * Backoff and Jitter"): delay = random(0, min(max, base * 2^attempt)). Full jitter spreads a classroom of
 * tabs that lost the server at the same moment, so they do not all come back in the same millisecond.
 */

export const RECONNECT_BASE_DELAY_MS = 500;
export const RECONNECT_MAX_DELAY_MS = 15_000;
/** A connection that stayed up this long counts as healthy: the next failure starts the backoff over. */
export const STABLE_CONNECTION_MS = 10_000;

export interface ReconnectPolicyOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  stableAfterMs?: number;
  /** Returns a number in [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

/** The ceiling of the jitter window for a given attempt (0-based), capped at maxDelayMs. */
export function backoffCeilingMs(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  // 2^attempt overflows to Infinity eventually; min() keeps that harmless.
  return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt));
}

export class ReconnectPolicy {
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #stableAfterMs: number;
  readonly #random: () => number;
  #attempt = 0;
  #connectedAtMs: number | null = null;

  constructor(options: ReconnectPolicyOptions = {}) {
    this.#baseDelayMs = options.baseDelayMs ?? RECONNECT_BASE_DELAY_MS;
    this.#maxDelayMs = options.maxDelayMs ?? RECONNECT_MAX_DELAY_MS;
    this.#stableAfterMs = options.stableAfterMs ?? STABLE_CONNECTION_MS;
    this.#random = options.random ?? Math.random;
  }

  /** Failures since the last stable connection. */
  get attempt(): number {
    return this.#attempt;
  }

  /** A connection came up at nowMs. */
  connected(nowMs: number): void {
    this.#connectedAtMs = nowMs;
  }

  /** A request/response transport got an answer: that is as healthy as it gets. */
  succeeded(): void {
    this.#attempt = 0;
    this.#connectedAtMs = null;
  }

  /**
   * The connection failed or dropped at nowMs; returns how long to wait before the next try. A drop
   * after a stable connection restarts the backoff; a connection that flaps keeps growing it.
   */
  nextDelayMs(nowMs: number): number {
    if (this.#connectedAtMs !== null && nowMs - this.#connectedAtMs >= this.#stableAfterMs) this.#attempt = 0;
    this.#connectedAtMs = null;
    const ceilingMs = backoffCeilingMs(this.#attempt, this.#baseDelayMs, this.#maxDelayMs);
    this.#attempt += 1;
    return Math.floor(this.#random() * ceilingMs);
  }
}
