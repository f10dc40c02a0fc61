import { describe, expect, it } from 'vitest';
import { Ring } from './ring.ts';

const contents = <T>(ring: Ring<T>): Array<T | undefined> =>
  Array.from({ length: ring.size }, (_, index) => ring.at(index));

describe('Ring', () => {
  it('keeps the newest `capacity` items, oldest first', () => {
    const ring = new Ring<number>(3);
    for (const value of [1, 2, 3, 4, 5]) ring.push(value);
    expect(contents(ring)).toEqual([3, 4, 5]);
    expect(ring.size).toBe(3);
  });

  it('is in order before it is full', () => {
    const ring = new Ring<string>(4);
    ring.push('a');
    ring.push('b');
    expect(contents(ring)).toEqual(['a', 'b']);
  });

  it('replaces an item in its place, counted from the oldest, and nothing past the newest', () => {
    const ring = new Ring<string>(3);
    for (const item of ['a', 'b', 'c', 'd']) ring.push(item);
    ring.replace(1, 'C');
    ring.replace(3, 'x');
    expect(contents(ring)).toEqual(['b', 'C', 'd']);
  });

  it('keeps a row number beside each item, overwritten with it', () => {
    const ring = new Ring<string>(2);
    ring.push('a', 7);
    ring.push('b');
    ring.push('c', 9);
    expect([ring.rowAt(0), ring.rowAt(1), ring.rowAt(2)]).toEqual([0, 9, 0]);
    ring.replace(1, 'C', 4);
    expect([ring.at(1), ring.rowAt(1)]).toEqual(['C', 4]);
  });

  it('refuses a capacity that could hold nothing', () => {
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});
