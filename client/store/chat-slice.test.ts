import { describe, expect, it } from 'vitest';
import { MAX_RECEIVED_TIMES, recordArrivals } from './chat-slice.ts';

describe('recordArrivals', () => {
  it('keeps the first arrival of each cursor', () => {
    const first = recordArrivals(new Map(), [
      { cursor: 'e:1', atMs: 10 },
      { cursor: 'e:1', atMs: 11 },
    ]);
    expect([...first]).toEqual([['e:1', 10]]);
    const replay = recordArrivals(first, [{ cursor: 'e:1', atMs: 99 }]);
    expect(replay).toBe(first);
  });

  it('forgets the oldest arrivals past the cap', () => {
    const batch = Array.from({ length: 5 }, (_, i) => ({ cursor: `e:${i + 1}`, atMs: i }));
    const capped = recordArrivals(new Map([['old:9', 1]]), batch, 3);
    expect([...capped.keys()]).toEqual(['e:3', 'e:4', 'e:5']);
    expect(MAX_RECEIVED_TIMES).toBeGreaterThan(500);
  });
});
