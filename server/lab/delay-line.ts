/**
 * A simulated one-way path with latency and jitter that keeps order, as TCP does: a unit is due at
 * `now + delay + random(0, jitter)`, but never before the unit queued ahead of it. With no delay and
 * nothing queued a unit runs at once, in the caller's turn, so a client without lab settings pays
 * nothing (no timer, no allocation beyond this check).
 */
import type { LabSettings } from '../../protocol/lab.ts';

export interface PathDelay {
  delayMs: number;
  jitterMs: number;
}

/**
 * Both paths of one settings object, made once: settings objects never change (the store replaces them),
 * and the transports ask for a path on every frame they send, so a fresh object each time was garbage on
 * the hot path of every connection, lab or not.
 */
const pathsOf = new WeakMap<Readonly<LabSettings>, { toClient: PathDelay; toServer: PathDelay }>();

function paths(settings: Readonly<LabSettings>): { toClient: PathDelay; toServer: PathDelay } {
  let known = pathsOf.get(settings);
  if (!known) {
    known = {
      toClient: { delayMs: settings.delayToClientMs, jitterMs: settings.jitterToClientMs },
      toServer: { delayMs: settings.delayToServerMs, jitterMs: settings.jitterToServerMs },
    };
    pathsOf.set(settings, known);
  }
  return known;
}

export function toClientDelay(settings: Readonly<LabSettings>): PathDelay {
  return paths(settings).toClient;
}

export function toServerDelay(settings: Readonly<LabSettings>): PathDelay {
  return paths(settings).toServer;
}

/** One unit's delay: the fixed part plus a uniform random part up to the jitter. */
export function sampleDelayMs({ delayMs, jitterMs }: PathDelay, random: () => number = Math.random): number {
  return delayMs + (jitterMs > 0 ? Math.floor(random() * (jitterMs + 1)) : 0);
}

/** Resolves after one unit's delay on an HTTP exchange (a connection carries one exchange at a time). */
export function delayOnce(path: PathDelay): Promise<void> | null {
  const ms = sampleDelayMs(path);
  if (ms === 0) return null;
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class DelayLine {
  readonly #delay: () => PathDelay;
  readonly #queue: { dueAtMs: number; bytes: number; run: () => void }[] = [];
  #queuedBytes = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastDueAtMs = 0;
  #closed = false;

  /** `delay` is read per unit, so a change in the lab applies to the next unit sent. */
  constructor(delay: () => PathDelay) {
    this.#delay = delay;
  }

  /** Bytes still on the way: they count against a connection's queue limit like unsent bytes do. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /**
   * True when a unit pushed now would run at once: nothing queued and no delay on this path. Callers on a
   * per-frame path check it first and write directly, so an unshaped connection makes no closure per frame.
   */
  get passesThrough(): boolean {
    if (this.#closed || this.#queue.length > 0) return false;
    const path = this.#delay();
    return path.delayMs === 0 && path.jitterMs === 0;
  }

  /** `bytes` is what the unit will write, for {@link queuedBytes}. */
  push(run: () => void, bytes = 0): void {
    if (this.#closed) return;
    const ms = sampleDelayMs(this.#delay());
    if (ms === 0 && this.#queue.length === 0) {
      run();
      return;
    }
    const dueAtMs = Math.max(this.#lastDueAtMs, performance.now() + ms);
    this.#lastDueAtMs = dueAtMs;
    this.#queuedBytes += bytes;
    this.#queue.push({ dueAtMs, bytes, run });
    if (this.#queue.length === 1) this.#arm();
  }

  /** Drops whatever is still on the way (the connection is gone). Idempotent. */
  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(): void {
    const head = this.#queue[0];
    if (!head) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        const now = performance.now();
        // Everything due by now goes out in one turn, in order.
        while (!this.#closed && this.#queue.length > 0 && (this.#queue[0]?.dueAtMs ?? 0) <= now + 1) {
          const unit = this.#queue.shift();
          if (!unit) break;
          this.#queuedBytes -= unit.bytes;
          unit.run();
        }
        if (!this.#closed) this.#arm();
      },
      Math.max(0, head.dueAtMs - performance.now()),
    );
  }
}
