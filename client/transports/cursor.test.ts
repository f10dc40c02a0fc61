import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../protocol/messages.ts';
import { baseCursorOf, CursorTracker } from './cursor.ts';

function message(epoch: string, seq: number): ChatMessage {
  return {
    seq,
    epoch,
    cursor: `${epoch}:${seq}`,
    room: 'r',
    id: `m${seq}`,
    from: 'ada',
    kind: 'chat',
    text: 'hi',
    committedAtMs: 0,
  };
}

describe('CursorTracker', () => {
  it('accepts each seq once and follows it', () => {
    const tracker = new CursorTracker(null);
    expect(tracker.accept(message('e', 1))).toBe(true);
    expect(tracker.accept(message('e', 2))).toBe(true);
    expect(tracker.accept(message('e', 2))).toBe(false);
    expect(tracker.accept(message('e', 1))).toBe(false);
    expect(tracker.cursor).toBe('e:2');
  });

  it('drops what a lossless resume from an older cursor replays', () => {
    const tracker = new CursorTracker('e:5');
    tracker.resume(true, 'e:3');
    expect(tracker.cursor).toBe('e:5');
    expect([4, 5, 6].map((seq) => tracker.accept(message('e', seq)))).toEqual([false, false, true]);
  });

  it('takes the snapshot after a lost resume, even with lower seqs', () => {
    const tracker = new CursorTracker('old:90');
    tracker.resume(false, 'new:0');
    expect(tracker.cursor).toBe('new:0');
    expect(tracker.accept(message('new', 1))).toBe(true);
  });

  it('rebases on window_exceeded within the same epoch', () => {
    const tracker = new CursorTracker('e:900');
    tracker.resume(false, 'e:950');
    expect(tracker.accept(message('e', 951))).toBe(true);
  });

  it('advances to a head only forward and only within its epoch', () => {
    const tracker = new CursorTracker('e:5');
    tracker.advanceTo('e:9');
    expect(tracker.cursor).toBe('e:9');
    tracker.advanceTo('e:7');
    expect(tracker.cursor).toBe('e:9');
    tracker.advanceTo('other:20');
    expect(tracker.cursor).toBe('e:9');
  });

  it('ignores a malformed starting cursor', () => {
    expect(new CursorTracker('not a cursor').cursor).toBeNull();
  });
});

describe('baseCursorOf', () => {
  it('is just before the first message, or the head when there is none', () => {
    expect(baseCursorOf([message('e', 4), message('e', 5)], 'e:9')).toBe('e:3');
    expect(baseCursorOf([], 'e:9')).toBe('e:9');
  });
});
