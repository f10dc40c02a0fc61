/** Per-client token buckets: `burst` sends at once, refilled at `perSecond`. */

export interface RateDecision {
  allowed: boolean;
  /** When refused: whole seconds until one send is allowed again (for Retry-After). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

/** Every allowed send gets this one answer: nothing to allocate per message. */
const ALLOWED: Readonly<RateDecision> = Object.freeze({ allowed: true, retryAfterSeconds: 0 });

/** Buckets untouched this long are full again, so they can be forgotten. */
const IDLE_BUCKET_SWEEP_MS = 60_000;

export class SendRateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #now: () => number;
  #lastSweepMs = 0;

  constructor(perSecond: number, burst: number, now: () => number = Date.now) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#now = now;
  }

  take(clientId: string): Readonly<RateDecision> {
    const nowMs = this.#now();
    this.#sweep(nowMs);
    let bucket = this.#buckets.get(clientId);
    if (!bucket) {
      bucket = { tokens: this.#burst, updatedAtMs: nowMs };
      this.#buckets.set(clientId, bucket);
    }
    bucket.tokens = Math.min(
      this.#burst,
      bucket.tokens + ((nowMs - bucket.updatedAtMs) / 1000) * this.#perSecond,
    );
    bucket.updatedAtMs = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return ALLOWED;
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perSecond)),
    };
  }

  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweepMs < IDLE_BUCKET_SWEEP_MS) return;
    this.#lastSweepMs = nowMs;
    for (const [clientId, bucket] of this.#buckets) {
      if (nowMs - bucket.updatedAtMs > IDLE_BUCKET_SWEEP_MS) this.#buckets.delete(clientId);
    }
  }
}
