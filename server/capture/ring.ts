/**
 * A fixed-capacity ring: push is O(1) however full it is; the oldest entry is overwritten. Each entry may
 * carry a number beside it (a row in a table the item holds), so an entry that is a row of something
 * shared needs no object of its own.
 */
export class Ring<T> {
  readonly #slots: Array<T | undefined>;
  readonly #rows: Int32Array;
  #next = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be >= 1, got ${capacity}`);
    this.#slots = new Array<T | undefined>(capacity);
    this.#rows = new Int32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(item: T, row = 0): void {
    this.#slots[this.#next] = item;
    this.#rows[this.#next] = row;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  /** Puts `item` in the place of the one `index` places after the oldest; nothing past the newest. */
  replace(index: number, item: T, row = 0): void {
    if (index < 0 || index >= this.#size) return;
    const slot = this.#slot(index);
    this.#slots[slot] = item;
    this.#rows[slot] = row;
  }

  /** The item `index` places after the oldest (0 is the oldest), or undefined past the newest. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#size) return undefined;
    return this.#slots[this.#slot(index)];
  }

  /** The number kept beside the item at `index` (0 when none was given, or past the newest). */
  rowAt(index: number): number {
    if (index < 0 || index >= this.#size) return 0;
    return this.#rows[this.#slot(index)] ?? 0;
  }

  #slot(index: number): number {
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    return (start + index) % this.capacity;
  }
}
