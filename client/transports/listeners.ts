import type { Unsubscribe } from './types.ts';

/** A typed listener set: the tiny event plumbing every transport shares (no string-keyed emitter). */
export class Listeners<T> {
  readonly #set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): Unsubscribe {
    this.#set.add(listener);
    return () => {
      this.#set.delete(listener);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.#set]) listener(value);
  }
}
