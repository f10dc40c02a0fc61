import { describe, expect, it } from 'vitest';
import { SendRateLimiter } from './send-rate.ts';

/** A clock the test moves by hand; the limiter takes `now` as a parameter, so no fake timers are needed. */
function manualClock(startMs = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance: (ms) => {
      nowMs += ms;
    },
  };
}

function takeMany(limiter: SendRateLimiter, clientId: string, count: number): boolean[] {
  return Array.from({ length: count }, () => limiter.take(clientId).allowed);
}

describe('SendRateLimiter', () => {
  it('allows a burst, then refuses with a whole-second Retry-After', () => {
    const clock = manualClock();
    const limiter = new SendRateLimiter(2, 3, clock.now);
    expect(takeMany(limiter, 'a', 3)).toEqual([true, true, true]);
    const refused = limiter.take('a');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBe(1);
    expect(Number.isInteger(refused.retryAfterSeconds)).toBe(true);
  });

  it('refills at the rate', () => {
    const clock = manualClock();
    const limiter = new SendRateLimiter(2, 3, clock.now);
    takeMany(limiter, 'a', 3);
    clock.advance(499);
    expect(limiter.take('a').allowed).toBe(false);
    clock.advance(2);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    clock.advance(1000);
    expect(takeMany(limiter, 'a', 3)).toEqual([true, true, false]);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const clock = manualClock();
    const limiter = new SendRateLimiter(10, 2, clock.now);
    limiter.take('a');
    clock.advance(3_600_000);
    expect(takeMany(limiter, 'a', 3)).toEqual([true, true, false]);
  });

  it('keeps one bucket per client', () => {
    const clock = manualClock();
    const limiter = new SendRateLimiter(1, 1, clock.now);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('Retry-After is long enough for a slow rate: one send per 4 s means 4 s', () => {
    const clock = manualClock();
    const limiter = new SendRateLimiter(0.25, 1, clock.now);
    limiter.take('a');
    const refused = limiter.take('a');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 4 });
    clock.advance(refused.retryAfterSeconds * 1000);
    expect(limiter.take('a').allowed).toBe(true);
  });

  it('a bucket forgotten after a long idle comes back full, not empty', () => {
    const clock = manualClock();
    const limiter = new SendRateLimiter(1, 2, clock.now);
    takeMany(limiter, 'a', 2);
    clock.advance(120_000);
    limiter.take('b'); // triggers the sweep
    expect(takeMany(limiter, 'a', 3)).toEqual([true, true, false]);
  });
});
