import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLOCK_SAMPLE_MAX_AGE_MS,
  ClockEstimator,
  type ClockSample,
  estimateFromSample,
  MAX_USEFUL_ROUND_TRIP_MS,
} from './clock-sync.ts';

/** A request that spends `upMs` reaching a server whose clock is `offsetMs` ahead and `downMs` coming back. */
function sample(t0: number, offsetMs: number, upMs: number, downMs = upMs): ClockSample {
  return { clientSentMs: t0, serverNowMs: t0 + upMs + offsetMs, clientReceivedMs: t0 + upMs + downMs };
}

describe('estimateFromSample', () => {
  it('recovers a known offset exactly when both legs take as long', () => {
    expect(estimateFromSample(sample(1000, 3.25, 0.5))).toEqual({
      offsetMs: 3.25,
      uncertaintyMs: 0.5,
      roundTripMs: 1,
    });
    expect(estimateFromSample(sample(1_700_000_000_000, -42, 4))?.offsetMs).toBe(-42);
  });

  it('recovers any offset from a symmetric sample (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1000 }),
        (offsetMs, legMs) => {
          const estimate = estimateFromSample(sample(5_000_000, offsetMs, legMs));
          expect(estimate?.offsetMs).toBe(offsetMs);
          expect(estimate?.uncertaintyMs).toBe(legMs);
        },
      ),
    );
  });

  it('is off by at most half the round trip when the legs differ', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000, max: 10_000 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
        (offsetMs, upMs, downMs) => {
          const estimate = estimateFromSample(sample(0, offsetMs, upMs, downMs));
          expect(estimate).not.toBeNull();
          expect(Math.abs((estimate?.offsetMs ?? Number.NaN) - offsetMs)).toBeLessThanOrEqual(
            estimate?.uncertaintyMs ?? -1,
          );
        },
      ),
    );
  });

  it('refuses samples that cannot be right', () => {
    expect(estimateFromSample({ clientSentMs: 10, serverNowMs: 5, clientReceivedMs: 9 })).toBeNull();
    expect(
      estimateFromSample({ clientSentMs: 10, serverNowMs: Number.NaN, clientReceivedMs: 11 }),
    ).toBeNull();
    expect(
      estimateFromSample({ clientSentMs: 0, serverNowMs: 0, clientReceivedMs: MAX_USEFUL_ROUND_TRIP_MS + 1 }),
    ).toBeNull();
  });
});

describe('ClockEstimator', () => {
  it('keeps the smallest-round-trip sample over a noisy one, whatever the order', () => {
    const noisy = sample(1000, 10, 80, 5); // asymmetric and slow: its offset is 37.5 ms off
    const clean = sample(2000, 10, 0.25);
    for (const order of [
      [noisy, clean],
      [clean, noisy],
    ]) {
      const estimator = new ClockEstimator();
      let best = null;
      for (const s of order) best = estimator.add(s);
      expect(best).toEqual({ offsetMs: 10, uncertaintyMs: 0.25, roundTripMs: 0.5 });
    }
  });

  it('answers null until a usable sample arrives, and ignores unusable ones', () => {
    const estimator = new ClockEstimator();
    expect(estimator.best(0)).toBeNull();
    expect(estimator.add({ clientSentMs: 10, serverNowMs: 0, clientReceivedMs: 5 })).toBeNull();
    expect(estimator.sampleCount).toBe(0);
    expect(estimator.add(sample(20, 1, 1))?.offsetMs).toBe(1);
  });

  it('lets old samples age out so a stale best stops winning', () => {
    const estimator = new ClockEstimator();
    estimator.add(sample(0, 5, 0.125)); // excellent, but about to be too old
    const later = CLOCK_SAMPLE_MAX_AGE_MS + 10;
    const best = estimator.add(sample(later, 7, 2));
    expect(best).toEqual({ offsetMs: 7, uncertaintyMs: 2, roundTripMs: 4 });
    expect(estimator.sampleCount).toBe(1);
  });

  it('remembers a bounded number of samples', () => {
    const estimator = new ClockEstimator({ maxSamples: 3 });
    estimator.add(sample(0, 1, 0.125)); // the best, pushed out by the three after it
    for (const t0 of [10, 20, 30]) estimator.add(sample(t0, 2, 1));
    expect(estimator.sampleCount).toBe(3);
    expect(estimator.best(40)?.offsetMs).toBe(2);
  });
});
