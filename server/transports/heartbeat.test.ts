import { describe, expect, it, vi } from 'vitest';
import { HeartbeatTicker } from './heartbeat.ts';

describe('HeartbeatTicker', () => {
  it('beats every added connection on one timer, and stops the timer when the last one leaves', () => {
    vi.useFakeTimers();
    try {
      const ticker = new HeartbeatTicker(1_000);
      const beats: string[] = [];
      const removeA = ticker.add(() => beats.push('a'));
      const removeB = ticker.add(() => beats.push('b'));
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(1_000);
      expect(beats).toEqual(['a', 'b']);
      removeA();
      vi.advanceTimersByTime(1_000);
      expect(beats).toEqual(['a', 'b', 'b']);
      removeB();
      removeB();
      expect(vi.getTimerCount()).toBe(0);
      expect(ticker.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets a beat remove itself and keeps beating the others when one throws', () => {
    vi.useFakeTimers();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const ticker = new HeartbeatTicker(500);
      const beats: string[] = [];
      const removeSelf: { fn: () => void } = { fn: () => {} };
      removeSelf.fn = ticker.add(() => {
        beats.push('once');
        removeSelf.fn();
      });
      ticker.add(() => {
        throw new Error('broken beat');
      });
      ticker.add(() => beats.push('steady'));
      vi.advanceTimersByTime(1_000);
      expect(beats).toEqual(['once', 'steady', 'steady']);
      expect(error).toHaveBeenCalledTimes(2);
    } finally {
      error.mockRestore();
      vi.useRealTimers();
    }
  });
});
