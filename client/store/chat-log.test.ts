import { describe, expect, it } from 'vitest';
import type { ChatMessage, MessageKind } from '../../protocol/messages.ts';
import {
  applyChatEvents,
  type ChatEvent,
  type ChatLog,
  MAX_KEPT_MESSAGES,
  presentNames,
} from './chat-log.ts';

function message(seq: number, epoch = 'e', kind: MessageKind = 'chat', from = 'ada'): ChatMessage {
  return {
    seq,
    epoch,
    cursor: `${epoch}:${seq}`,
    room: 'r',
    id: `m${seq}`,
    from,
    kind,
    text: `#${seq}`,
    committedAtMs: 0,
  };
}
const empty: ChatLog = { messages: [], notices: [] };
const msg = (m: ChatMessage): ChatEvent => ({ type: 'message', message: m });
const seqs = (log: ChatLog) => log.messages.map((m) => m.seq);

describe('applyChatEvents', () => {
  it('appends in order and drops replays of the same epoch', () => {
    const first = applyChatEvents(empty, [msg(message(1)), msg(message(2))], 1);
    const second = applyChatEvents(first, [msg(message(2)), msg(message(1)), msg(message(3))], 1);
    expect(seqs(second)).toEqual([1, 2, 3]);
  });

  it('keeps the same array when nothing new arrived', () => {
    const first = applyChatEvents(empty, [msg(message(1))], 1);
    expect(applyChatEvents(first, [msg(message(1))], 1).messages).toBe(first.messages);
  });

  it('ignores a lossless resume', () => {
    const first = applyChatEvents(empty, [msg(message(1))], 1);
    const next = applyChatEvents(first, [{ type: 'resume', resume: { recovered: true, cursor: 'e:1' } }], 1);
    expect(seqs(next)).toEqual([1]);
    expect(next.notices).toEqual([]);
  });

  it('replaces the list with the snapshot and says so when the resume lost messages', () => {
    const before = applyChatEvents(empty, [msg(message(7)), msg(message(8))], 1);
    const after = applyChatEvents(
      before,
      [
        { type: 'resume', resume: { recovered: false, reason: 'epoch_changed', cursor: 'f:0' } },
        msg(message(1, 'f')),
        msg(message(2, 'f')),
      ],
      5,
    );
    expect(after.messages.map((m) => m.cursor)).toEqual(['f:1', 'f:2']);
    expect(after.notices).toHaveLength(1);
    expect(after.notices[0]?.id).toBe(5);
    expect(after.notices[0]?.text).toMatch(/missed.*server restarted/);
  });

  it('accepts lower seqs after a window_exceeded snapshot of the same epoch', () => {
    const before = applyChatEvents(empty, [msg(message(900))], 1);
    const after = applyChatEvents(
      before,
      [
        { type: 'resume', resume: { recovered: false, reason: 'window_exceeded', cursor: 'e:850' } },
        msg(message(851)),
      ],
      1,
    );
    expect(seqs(after)).toEqual([851]);
  });

  it('caps what it keeps', () => {
    const events = Array.from({ length: MAX_KEPT_MESSAGES + 10 }, (_, i) => msg(message(i + 1)));
    const log = applyChatEvents(empty, events, 1);
    expect(log.messages).toHaveLength(MAX_KEPT_MESSAGES);
    expect(log.messages[0]?.seq).toBe(11);
  });
});

describe('presentNames', () => {
  it('follows join and leave lines', () => {
    const names = presentNames([
      message(1, 'e', 'join', 'ada'),
      message(2, 'e', 'join', 'bob'),
      message(3, 'e', 'chat', 'cy'),
      message(4, 'e', 'leave', 'ada'),
    ]);
    expect(names).toEqual(['bob']);
  });
});
