import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWatchdog } from './watchdog.ts';

describe('createWatchdog', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires once the timeout passed since the last feed, however often it was fed', () => {
    const onSilent = vi.fn();
    const watchdog = createWatchdog(onSilent);
    for (let step = 0; step < 100; step += 1) {
      watchdog.feed(1_000);
      vi.advanceTimersByTime(10);
    }
    // Fed for a whole second: one timer, never a new one per feed.
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(989);
    expect(onSilent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onSilent).toHaveBeenCalledWith(1_000);
    expect(onSilent).toHaveBeenCalledTimes(1);
  });

  it('a shorter timeout takes effect at once', () => {
    const onSilent = vi.fn();
    const watchdog = createWatchdog(onSilent);
    watchdog.feed(10_000);
    watchdog.feed(100);
    vi.advanceTimersByTime(100);
    expect(onSilent).toHaveBeenCalledWith(100);
  });

  it('stop drops the timer; feeding starts it again', () => {
    const onSilent = vi.fn();
    const watchdog = createWatchdog(onSilent);
    watchdog.feed(100);
    watchdog.stop();
    watchdog.stop();
    vi.advanceTimersByTime(1_000);
    expect(onSilent).not.toHaveBeenCalled();
    watchdog.feed(100);
    vi.advanceTimersByTime(100);
    expect(onSilent).toHaveBeenCalledTimes(1);
  });
});
