import { describe, expect, it } from 'vitest';
import {
  backoffCeilingMs,
  RECONNECT_BASE_DELAY_MS,
  RECONNECT_MAX_DELAY_MS,
  ReconnectPolicy,
  STABLE_CONNECTION_MS,
} from './reconnect.ts';

/** random() just under 1 gives the top of the jitter window, so delays show the ceiling. */
const TOP = () => 0.999999;

describe('backoffCeilingMs', () => {
  it('doubles from the base and stops at the max', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffCeilingMs(attempt, 500, 15_000))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect(backoffCeilingMs(5, 500, 15_000)).toBe(15_000);
    expect(backoffCeilingMs(10_000, 500, 15_000)).toBe(15_000);
  });
});

describe('ReconnectPolicy', () => {
  it('draws full jitter between 0 and the ceiling', () => {
    const low = new ReconnectPolicy({ random: () => 0 });
    expect(low.nextDelayMs(0)).toBe(0);
    const half = new ReconnectPolicy({ random: () => 0.5 });
    half.nextDelayMs(0);
    expect(half.nextDelayMs(0)).toBe(RECONNECT_BASE_DELAY_MS); // half of 2 * base
  });

  it('grows with each failure and caps at the max', () => {
    const policy = new ReconnectPolicy({ random: TOP });
    const delays = Array.from({ length: 8 }, () => policy.nextDelayMs(0));
    expect(delays.slice(0, 4)).toEqual([499, 999, 1999, 3999]);
    expect(Math.max(...delays)).toBeLessThan(RECONNECT_MAX_DELAY_MS);
    expect(delays.at(-1)).toBe(RECONNECT_MAX_DELAY_MS - 1);
  });

  it('starts over after a connection that stayed up long enough', () => {
    const policy = new ReconnectPolicy({ random: TOP });
    policy.nextDelayMs(0);
    policy.nextDelayMs(0);
    policy.connected(1_000);
    expect(policy.nextDelayMs(1_000 + STABLE_CONNECTION_MS)).toBe(499);
  });

  it('keeps growing when connections flap', () => {
    const policy = new ReconnectPolicy({ random: TOP });
    policy.nextDelayMs(0);
    policy.connected(1_000);
    expect(policy.nextDelayMs(1_100)).toBe(999);
    expect(policy.attempt).toBe(2);
  });

  it('resets on a successful request', () => {
    const policy = new ReconnectPolicy({ random: TOP });
    policy.nextDelayMs(0);
    policy.nextDelayMs(0);
    policy.succeeded();
    expect(policy.attempt).toBe(0);
    expect(policy.nextDelayMs(0)).toBe(499);
  });
});
