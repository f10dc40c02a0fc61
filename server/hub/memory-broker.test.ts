import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../protocol/messages.ts';
import { CursorAheadError, type PublishInput } from './broker.ts';
import { MemoryBroker } from './memory-broker.ts';

function chat(room: string, id: string, text = id): PublishInput {
  return { room, id, from: 'ada', kind: 'chat', text };
}

async function publishMany(
  broker: MemoryBroker,
  room: string,
  count: number,
  prefix = 'm',
): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  for (let index = 1; index <= count; index += 1) {
    messages.push((await broker.publish(chat(room, `${prefix}${index}`))).message);
  }
  return messages;
}

describe('MemoryBroker', () => {
  it('assigns seqs 1, 2, 3 per room with one epoch, and cursor "epoch:seq"', async () => {
    const broker = new MemoryBroker({ historyLimit: 10, snapshotSize: 5, now: () => 1234.5 });
    const [a, b, c] = await publishMany(broker, 'r1', 3);
    const other = (await broker.publish(chat('r2', 'x1'))).message;
    expect([a?.seq, b?.seq, c?.seq]).toEqual([1, 2, 3]);
    expect(new Set([a?.epoch, b?.epoch, c?.epoch]).size).toBe(1);
    expect(c?.cursor).toBe(`${c?.epoch}:3`);
    expect(c).toMatchObject({
      room: 'r1',
      id: 'm3',
      from: 'ada',
      kind: 'chat',
      text: 'm3',
      committedAtMs: 1234.5,
    });
    expect(other.seq).toBe(1);
    expect(other.epoch).not.toBe(a?.epoch);
  });

  it('keeps to and sentAtMs when given, and leaves them off the wire otherwise', async () => {
    const broker = new MemoryBroker({ historyLimit: 10, snapshotSize: 5 });
    const plain = (await broker.publish(chat('r', 'a'))).message;
    const addressed = (await broker.publish({ ...chat('r', 'b'), kind: 'private', to: 'bob', sentAtMs: 7 }))
      .message;
    expect(plain.to).toBeUndefined();
    expect(plain.sentAtMs).toBeUndefined();
    // Every transport sends a message as JSON: an absent target or send time is no key at all there.
    expect(Object.keys(JSON.parse(JSON.stringify(plain)))).not.toContain('to');
    expect(Object.keys(JSON.parse(JSON.stringify(plain)))).not.toContain('sentAtMs');
    expect(addressed).toMatchObject({ to: 'bob', sentAtMs: 7, kind: 'private' });
  });

  it('forgets the least recently used rooms nobody follows past maxRooms, and says so on resume', async () => {
    const broker = new MemoryBroker({ historyLimit: 10, snapshotSize: 5, maxRooms: 10 });
    broker.subscribe('followed', () => {});
    const [kept] = await publishMany(broker, 'followed', 1);
    const [old] = await publishMany(broker, 'old', 1);
    const firsts = new Map<string, ChatMessage | undefined>();
    for (let index = 0; index < 8; index += 1) {
      firsts.set(`room${index}`, (await publishMany(broker, `room${index}`, 1))[0]);
    }
    // 'old' is used again, so it is no longer the least recently used.
    await broker.history('old', null);
    expect(broker.roomCount).toBe(10);

    // The 11th room goes over the limit: idle rooms are forgotten, least recently used first, down to 9.
    await publishMany(broker, 'newest', 1);
    expect(broker.roomCount).toBe(9);
    const resumeFrom = async (room: string, message: ChatMessage | undefined) =>
      broker.history(room, message ? { epoch: message.epoch, seq: message.seq } : null);
    // The next least recently used idle room is still there. A room somebody follows keeps its history,
    // however long since it was used; so does one used again.
    expect((await resumeFrom('room2', firsts.get('room2'))).outcome).toEqual({ recovered: true });
    expect((await resumeFrom('followed', kept)).outcome).toEqual({ recovered: true });
    expect((await resumeFrom('old', old)).outcome).toEqual({ recovered: true });
    // room0 and room1 were the least recently used with nobody following: a client resuming there from its
    // last message is told the history is gone (a new epoch), never given a silent gap. (Asking makes each
    // room again, last: making them forgets others.)
    for (const name of ['room0', 'room1']) {
      const answer = await resumeFrom(name, firsts.get(name));
      expect(answer.outcome).toEqual({ recovered: false, reason: 'epoch_changed' });
      expect(answer.head.seq).toBe(0);
    }
  });

  it('keeps a room being created even when every other room is followed', async () => {
    const broker = new MemoryBroker({ historyLimit: 10, snapshotSize: 5, maxRooms: 2 });
    broker.subscribe('a', () => {});
    broker.subscribe('b', () => {});
    const seen: ChatMessage[] = [];
    // 'c' is over the limit with nothing idle to forget: it is made and kept, and a subscriber hears it.
    broker.subscribe('c', (message) => seen.push(message));
    await broker.publish(chat('c', 'x1'));
    expect(seen.map((message) => message.id)).toEqual(['x1']);
    expect(broker.roomCount).toBe(3);
  });

  it('stores an id once: a retry returns the stored message and fans nothing out', async () => {
    const broker = new MemoryBroker({ historyLimit: 10, snapshotSize: 5 });
    const seen: number[] = [];
    const unsubscribe = broker.subscribe('r', (message) => seen.push(message.seq));
    const first = await broker.publish(chat('r', 'same', 'first'));
    const retry = await broker.publish(chat('r', 'same', 'changed on retry'));
    const next = await broker.publish(chat('r', 'other'));
    unsubscribe();
    expect(first.duplicate).toBe(false);
    expect(retry.duplicate).toBe(true);
    expect(retry.message).toEqual(first.message);
    expect(next.message.seq).toBe(2);
    expect(seen).toEqual([1, 2]);
    expect((await broker.history('r', null)).messages.map((message) => message.id)).toEqual([
      'same',
      'other',
    ]);
  });

  it('the same id in two rooms is two messages', async () => {
    const broker = new MemoryBroker({ historyLimit: 10, snapshotSize: 5 });
    const a = await broker.publish(chat('r1', 'same'));
    const b = await broker.publish(chat('r2', 'same'));
    expect(a.duplicate || b.duplicate).toBe(false);
  });

  it('without a cursor answers the last snapshotSize messages, recovered, with the head', async () => {
    const broker = new MemoryBroker({ historyLimit: 10, snapshotSize: 3 });
    const published = await publishMany(broker, 'r', 5);
    const answer = await broker.history('r', null);
    expect(answer.messages.map((message) => message.seq)).toEqual([3, 4, 5]);
    expect(answer.outcome).toEqual({ recovered: true });
    expect(answer.head).toEqual({ epoch: published[0]?.epoch, seq: 5 });
  });

  it('an empty room answers no messages and head seq 0; its own cursor at 0 is recovered', async () => {
    const broker = new MemoryBroker({ historyLimit: 10, snapshotSize: 3 });
    const empty = await broker.history('r', null);
    expect(empty.messages).toEqual([]);
    expect(empty.head.seq).toBe(0);
    expect(await broker.history('r', empty.head)).toEqual({
      messages: [],
      head: empty.head,
      outcome: { recovered: true },
    });
  });

  it('with a cursor answers exactly the messages after it', async () => {
    const broker = new MemoryBroker({ historyLimit: 10, snapshotSize: 2 });
    const published = await publishMany(broker, 'r', 6);
    const epoch = published[0]?.epoch ?? '';
    const answer = await broker.history('r', { epoch, seq: 2 });
    expect(answer.messages.map((message) => message.seq)).toEqual([3, 4, 5, 6]);
    expect(answer.outcome).toEqual({ recovered: true });
    expect((await broker.history('r', { epoch, seq: 6 })).messages).toEqual([]);
    expect((await broker.history('r', { epoch, seq: 0 })).messages).toHaveLength(6);
  });

  it('a cursor older than the kept history answers the snapshot, recovered:false window_exceeded', async () => {
    const broker = new MemoryBroker({ historyLimit: 5, snapshotSize: 2 });
    const published = await publishMany(broker, 'r', 10);
    const epoch = published[0]?.epoch ?? '';
    // Kept: seqs 6..10. From seq 5 we need 6 onward: still lossless. From seq 4 we would need 5: lost.
    const edge = await broker.history('r', { epoch, seq: 5 });
    expect(edge.outcome).toEqual({ recovered: true });
    expect(edge.messages.map((message) => message.seq)).toEqual([6, 7, 8, 9, 10]);
    const lost = await broker.history('r', { epoch, seq: 4 });
    expect(lost.outcome).toEqual({ recovered: false, reason: 'window_exceeded' });
    expect(lost.messages.map((message) => message.seq)).toEqual([9, 10]);
    expect((await broker.history('r', { epoch, seq: 0 })).outcome).toEqual({
      recovered: false,
      reason: 'window_exceeded',
    });
  });

  it('a cursor of another epoch answers the snapshot, recovered:false epoch_changed', async () => {
    const broker = new MemoryBroker({ historyLimit: 5, snapshotSize: 2 });
    await publishMany(broker, 'r', 3);
    const answer = await broker.history('r', { epoch: 'someOtherEpoch', seq: 1 });
    expect(answer.outcome).toEqual({ recovered: false, reason: 'epoch_changed' });
    expect(answer.messages.map((message) => message.seq)).toEqual([2, 3]);
  });

  it('a cursor past the head rejects with CursorAheadError', async () => {
    const broker = new MemoryBroker({ historyLimit: 5, snapshotSize: 2 });
    const [first] = await publishMany(broker, 'r', 3);
    const epoch = first?.epoch ?? '';
    await expect(broker.history('r', { epoch, seq: 4 })).rejects.toBeInstanceOf(CursorAheadError);
    await expect(broker.history('r', { epoch, seq: Number.MAX_SAFE_INTEGER })).rejects.toThrow(
      /ahead of the room/,
    );
  });

  it('an id evicted from history is stored again as a new message (documented limit of idempotence)', async () => {
    const broker = new MemoryBroker({ historyLimit: 2, snapshotSize: 2 });
    await publishMany(broker, 'r', 3);
    const again = await broker.publish(chat('r', 'm1'));
    expect(again.duplicate).toBe(false);
    expect(again.message.seq).toBe(4);
  });

  it('fans out in seq order, stops at unsubscribe, and one throwing listener does not stop the others', async () => {
    const broker = new MemoryBroker({ historyLimit: 10, snapshotSize: 5 });
    const seen: number[] = [];
    const errors: unknown[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      broker.subscribe('r', () => {
        throw new Error('listener bug');
      });
      const unsubscribe = broker.subscribe('r', (message) => seen.push(message.seq));
      await publishMany(broker, 'r', 2);
      unsubscribe();
      const third = await broker.publish(chat('r', 'late'));
      expect(third.message.seq).toBe(3);
    } finally {
      console.error = originalError;
    }
    expect(seen).toEqual([1, 2]);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('close() drops every listener', async () => {
    const broker = new MemoryBroker({ historyLimit: 10, snapshotSize: 5 });
    const seen: number[] = [];
    broker.subscribe('r', (message) => seen.push(message.seq));
    await broker.close();
    await broker.publish(chat('r', 'after'));
    expect(seen).toEqual([]);
  });
});
