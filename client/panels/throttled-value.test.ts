import { describe, expect, it } from 'vitest';
import { nextShown } from './throttled-value.ts';

describe('nextShown', () => {
  const shown = { value: 'a', atMs: 1_000 };

  it('keeps what is shown while the interval runs, then takes the newest value', () => {
    expect(nextShown(shown, 'b', 1_050, 100, false)).toBe(shown);
    expect(nextShown(shown, 'c', 1_100, 100, false)).toEqual({ value: 'c', atMs: 1_100 });
  });

  it('shows the first change after a quiet spell at once', () => {
    expect(nextShown({ value: 'a', atMs: Number.NEGATIVE_INFINITY }, 'b', 5, 100, false)).toEqual({
      value: 'b',
      atMs: 5,
    });
  });

  it('shows a change at once when asked (a step or a scrub must not wait)', () => {
    expect(nextShown(shown, 'b', 1_001, 100, true)).toEqual({ value: 'b', atMs: 1_001 });
  });

  it('an unchanged value is no change', () => {
    expect(nextShown(shown, 'a', 9_999, 100, false)).toBe(shown);
  });
});
