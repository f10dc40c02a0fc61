import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HIDDEN_TAB_FLUSH_MS, MIN_FLUSH_INTERVAL_MS, scheduleFrame } from './frame-batch.ts';

describe('scheduleFrame', () => {
  // Each fake clock starts at 0 again, while the module remembers its last run: each test starts further on,
  // after a quiet spell, so no run of an earlier test holds its first flush back.
  let startMs = 0;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    startMs += 1_000_000;
    vi.advanceTimersByTime(startMs);
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
    // The next frame, and no sooner than the interval after the run that scheduled it.
    vi.advanceTimersByTime(MIN_FLUSH_INTERVAL_MS + HIDDEN_TAB_FLUSH_MS);
    expect(calls).toEqual(['first', 'next']);
  });

  it(`under a flood, runs at most once per ${MIN_FLUSH_INTERVAL_MS} ms; after a quiet spell, at the next frame`, () => {
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    const runFrame = () => frames.shift()?.(performance.now());
    try {
      const runs: number[] = [];
      scheduleFrame(() => runs.push(performance.now()));
      expect(frames).toHaveLength(1);
      runFrame();
      expect(runs).toHaveLength(1);
      // Right after a run, the next one waits for the interval before it even asks for a frame.
      scheduleFrame(() => runs.push(performance.now()));
      expect(frames).toHaveLength(0);
      vi.advanceTimersByTime(MIN_FLUSH_INTERVAL_MS - 1);
      expect(frames).toHaveLength(0);
      vi.advanceTimersByTime(1);
      expect(frames).toHaveLength(1);
      runFrame();
      expect(runs).toHaveLength(2);
      expect((runs[1] ?? 0) - (runs[0] ?? 0)).toBeGreaterThanOrEqual(MIN_FLUSH_INTERVAL_MS);
      // A cancel while it waits cancels the wait too.
      const cancel = scheduleFrame(() => runs.push(performance.now()));
      cancel();
      vi.advanceTimersByTime(HIDDEN_TAB_FLUSH_MS * 2);
      expect(frames).toHaveLength(0);
      expect(runs).toHaveLength(2);
      // Quiet for longer than the interval: the next frame runs it.
      scheduleFrame(() => runs.push(performance.now()));
      expect(frames).toHaveLength(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
