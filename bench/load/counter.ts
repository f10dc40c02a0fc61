/** A count that load clients bump and a benchmark awaits, without polling. */
export class Counter {
  value = 0;
  #target = Number.POSITIVE_INFINITY;
  #reached: (() => void) | null = null;

  add(amount = 1): void {
    this.value += amount;
    if (this.value >= this.#target) {
      const reached = this.#reached;
      this.#target = Number.POSITIVE_INFINITY;
      this.#reached = null;
      reached?.();
    }
  }

  /** Resolves when the count reaches `target`; rejects after `timeoutMs` saying how far it got. */
  reach(target: number, timeoutMs: number, what: string): Promise<void> {
    if (this.value >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#reached = null;
        this.#target = Number.POSITIVE_INFINITY;
        reject(new Error(`${what}: ${this.value} of ${target} after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#target = target;
      this.#reached = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Runs `task` for 0..count-1 with at most `limit` in flight (a SYN flood would overflow the backlog). */
export async function forEachLimited(
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** Loopback source addresses the connections are spread over, so 10,000 never exhaust one address's ports. */
const SOURCE_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];

export function sourceAddress(index: number): string {
  return SOURCE_ADDRESSES[index % SOURCE_ADDRESSES.length] ?? '127.0.0.1';
}

/** Connections opened at once while building up a load. */
export const CONNECT_CONCURRENCY = 200;
