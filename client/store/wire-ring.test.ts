import { describe, expect, it } from 'vitest';
import { appendToRing, countUnits, EMPTY_UNIT_COUNTS } from './wire-ring.ts';

describe('appendToRing', () => {
  it('appends in order while there is room', () => {
    expect(appendToRing([1, 2], [3, 4], 10)).toEqual([1, 2, 3, 4]);
  });

  it('drops the oldest past the cap', () => {
    expect(appendToRing([1, 2, 3], [4, 5], 4)).toEqual([2, 3, 4, 5]);
    expect(appendToRing([1, 2, 3], [4, 5, 6, 7, 8], 4)).toEqual([5, 6, 7, 8]);
  });

  it('keeps the same array for an empty batch, so selectors see no change', () => {
    const ring = [1, 2];
    expect(appendToRing(ring, [], 4)).toBe(ring);
  });
});

describe('countUnits', () => {
  it('adds each unit of the batch to the running counts', () => {
    const once = countUnits(EMPTY_UNIT_COUNTS, [
      { unit: 'ws-frame' },
      { unit: 'ws-frame' },
      { unit: 'tcp-open' },
    ]);
    const twice = countUnits(once, [{ unit: 'ws-frame' }]);
    expect(twice['ws-frame']).toBe(3);
    expect(twice['tcp-open']).toBe(1);
    expect(twice['http-request']).toBe(0);
    expect(EMPTY_UNIT_COUNTS['ws-frame']).toBe(0);
  });
});
