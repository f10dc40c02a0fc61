import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../protocol/inspect.ts';
import { eventBySeq, indexAtOrAfter } from './view-slice.ts';

const events = [3, 4, 7, 9].map((eventSeq) => ({ eventSeq }) as WireEvent);

describe('indexAtOrAfter / eventBySeq', () => {
  it('finds the first event at or after a seq, including past both ends', () => {
    expect([0, 3, 5, 7, 9, 10].map((seq) => indexAtOrAfter(events, seq))).toEqual([0, 0, 2, 2, 3, 4]);
    expect(indexAtOrAfter([], 1)).toBe(0);
  });

  it('returns the event with exactly that seq, or nothing when the ring no longer holds it', () => {
    expect(eventBySeq(events, 7)?.eventSeq).toBe(7);
    expect(eventBySeq(events, 5)).toBeUndefined();
    expect(eventBySeq(events, 10)).toBeUndefined();
  });
});
