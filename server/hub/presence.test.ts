import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PresenceTracker } from './presence.ts';

const GRACE_MS = 1_000;

interface Change {
  room: string;
  name: string;
  kind: 'join' | 'leave';
}

// Time itself is the subject here (grace periods, leases), so these tests use fake timers.
describe('PresenceTracker', () => {
  let changes: Change[];
  let tracker: PresenceTracker;

  beforeEach(() => {
    vi.useFakeTimers();
    changes = [];
    tracker = new PresenceTracker(GRACE_MS, (room, name, kind) => changes.push({ room, name, kind }));
  });

  afterEach(() => {
    tracker.close();
    vi.useRealTimers();
  });

  it('joins once per name, however many connections it holds', () => {
    tracker.hold('r', 'ada');
    tracker.hold('r', 'ada');
    tracker.hold('r', 'bob');
    expect(changes).toEqual([
      { room: 'r', name: 'ada', kind: 'join' },
      { room: 'r', name: 'bob', kind: 'join' },
    ]);
    expect(tracker.present('r').sort()).toEqual(['ada', 'bob']);
  });

  it('leaves only after the last connection is released plus the grace', () => {
    const first = tracker.hold('r', 'ada');
    const second = tracker.hold('r', 'ada');
    first();
    vi.advanceTimersByTime(GRACE_MS * 3);
    expect(changes.map((change) => change.kind)).toEqual(['join']);
    second();
    vi.advanceTimersByTime(GRACE_MS - 1);
    expect(changes.map((change) => change.kind)).toEqual(['join']);
    expect(tracker.present('r')).toEqual(['ada']);
    vi.advanceTimersByTime(1);
    expect(changes).toEqual([
      { room: 'r', name: 'ada', kind: 'join' },
      { room: 'r', name: 'ada', kind: 'leave' },
    ]);
    expect(tracker.present('r')).toEqual([]);
  });

  it('a release called twice counts once', () => {
    const first = tracker.hold('r', 'ada');
    const second = tracker.hold('r', 'ada');
    first();
    first();
    vi.advanceTimersByTime(GRACE_MS * 2);
    expect(changes.map((change) => change.kind)).toEqual(['join']);
    second();
    vi.advanceTimersByTime(GRACE_MS);
    expect(changes.map((change) => change.kind)).toEqual(['join', 'leave']);
  });

  it('coming back within the grace neither leaves nor joins again (a reconnecting WebSocket)', () => {
    tracker.hold('r', 'ada')();
    vi.advanceTimersByTime(GRACE_MS / 2);
    const again = tracker.hold('r', 'ada');
    vi.advanceTimersByTime(GRACE_MS * 2);
    expect(changes.map((change) => change.kind)).toEqual(['join']);
    again();
    vi.advanceTimersByTime(GRACE_MS);
    expect(changes.map((change) => change.kind)).toEqual(['join', 'leave']);
  });

  it('after a leave, coming back is a new join', () => {
    tracker.hold('r', 'ada')();
    vi.advanceTimersByTime(GRACE_MS);
    tracker.hold('r', 'ada');
    expect(changes.map((change) => change.kind)).toEqual(['join', 'leave', 'join']);
  });

  it('a poll keeps the name present for its lease plus the grace', () => {
    tracker.touch('r', 'ada', 500);
    vi.advanceTimersByTime(400);
    tracker.touch('r', 'ada', 500);
    vi.advanceTimersByTime(500 + GRACE_MS - 1);
    expect(changes.map((change) => change.kind)).toEqual(['join']);
    vi.advanceTimersByTime(1);
    expect(changes.map((change) => change.kind)).toEqual(['join', 'leave']);
  });

  it('a held connection released during a poll lease waits for the lease too', () => {
    tracker.touch('r', 'ada', 5_000);
    const release = tracker.hold('r', 'ada');
    release();
    vi.advanceTimersByTime(GRACE_MS + 10);
    expect(changes.map((change) => change.kind)).toEqual(['join']);
    vi.advanceTimersByTime(5_000);
    expect(changes.map((change) => change.kind)).toEqual(['join', 'leave']);
  });

  it('rooms are independent', () => {
    tracker.hold('r1', 'ada')();
    tracker.hold('r2', 'ada');
    vi.advanceTimersByTime(GRACE_MS);
    expect(changes).toEqual([
      { room: 'r1', name: 'ada', kind: 'join' },
      { room: 'r2', name: 'ada', kind: 'join' },
      { room: 'r1', name: 'ada', kind: 'leave' },
    ]);
  });

  it('close() cancels pending leaves', () => {
    tracker.hold('r', 'ada')();
    tracker.close();
    vi.advanceTimersByTime(GRACE_MS * 2);
    expect(changes.map((change) => change.kind)).toEqual(['join']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
