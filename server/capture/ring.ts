/** A fixed-capacity ring: push is O(1) however full it is; the oldest entry is overwritten. */
export class Ring<T> {
  readonly #slots: Array<T | undefined>;
  #next = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be >= 1, got ${capacity}`);
    this.#slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    this.#slots[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  /** Puts `item` in the place of the one `index` places after the oldest; nothing past the newest. */
  replace(index: number, item: T): void {
    if (index < 0 || index >= this.#size) return;
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    this.#slots[(start + index) % this.capacity] = item;
  }

  /** The item `index` places after the oldest (0 is the oldest), or undefined past the newest. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#size) return undefined;
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    return this.#slots[(start + index) % this.capacity];
  }
}
