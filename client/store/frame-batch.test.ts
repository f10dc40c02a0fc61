import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HIDDEN_TAB_FLUSH_MS, scheduleFrame } from './frame-batch.ts';

describe('scheduleFrame', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs every callback due in one frame together, in the order scheduled', () => {
    const calls: string[] = [];
    let rafCallback: FrameRequestCallback | null = null;
    let rafRequests = 0;
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
      rafRequests += 1;
      rafCallback = callback;
      return rafRequests;
    });
    vi.stubGlobal('cancelAnimationFrame', () => {});
    try {
      scheduleFrame(() => calls.push('wire'));
      scheduleFrame(() => calls.push('chat'));
      expect(rafRequests).toBe(1);
      expect(calls).toEqual([]);
      (rafCallback as FrameRequestCallback | null)?.(0);
      expect(calls).toEqual(['wire', 'chat']);
      // The timer fallback must not run them a second time.
      vi.advanceTimersByTime(HIDDEN_TAB_FLUSH_MS);
      expect(calls).toEqual(['wire', 'chat']);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('falls back to a timer, and a cancelled callback never runs', () => {
    const calls: string[] = [];
    const cancel = scheduleFrame(() => calls.push('cancelled'));
    scheduleFrame(() => calls.push('kept'));
    cancel();
    cancel();
    vi.advanceTimersByTime(HIDDEN_TAB_FLUSH_MS);
    expect(calls).toEqual(['kept']);
  });

  it('a callback scheduled while the frame runs waits for the next one', () => {
    const calls: string[] = [];
    scheduleFrame(() => {
      calls.push('first');
      scheduleFrame(() => calls.push('next'));
    });
    vi.advanceTimersByTime(HIDDEN_TAB_FLUSH_MS);
    expect(calls).toEqual(['first']);
    vi.advanceTimersByTime(HIDDEN_TAB_FLUSH_MS);
    expect(calls).toEqual(['first', 'next']);
  });
});
