/**
 * One contract, four transports: every behaviour of DESIGN.md's chat model, checked over real sockets
 * against a real server, through a client adapter per transport (test-clients.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChatMessage, TRANSPORT_KINDS } from '../../protocol/messages.ts';
import { type Config, DEFAULT_CONFIG } from '../config.ts';
import { type RunningServer, startServer } from '../server.ts';
import { type ChatClient, ClientPool, lines, newMessageId, waitFor } from './test-clients.ts';

// Long enough that a long poller's next poll, late on a loaded machine, is not a leave and a join (which
// took snapshot slots and broke the one-join check when the grace was 200 ms).
const PRESENCE_GRACE_MS = 1_000;
const CONFIG: Config = {
  ...DEFAULT_CONFIG,
  port: 0,
  staticDir: null,
  historyLimit: 20,
  snapshotSize: 10,
  presenceGraceMs: PRESENCE_GRACE_MS,
  // Long enough that a poller delayed by a loaded machine does not flicker out and in between two polls.
  pollPresenceLeaseMs: 1_000,
  sendRatePerSecond: 1_000,
  sendBurst: 1_000,
  sseRetryMs: 50,
  shutdownGraceMs: 1_000,
};
const WAIT_MS = 5_000;

let roomCounter = 0;
function newRoom(): string {
  roomCounter += 1;
  return `contract-${roomCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

function chats(client: ChatClient): ChatMessage[] {
  return client.messages.filter((message) => message.kind === 'chat' || message.kind === 'private');
}

function hasText(client: ChatClient, text: string): boolean {
  return client.messages.some((message) => message.text === text);
}

async function waitForText(client: ChatClient, text: string, timeoutMs = WAIT_MS): Promise<void> {
  await waitFor(
    () => hasText(client, text),
    timeoutMs,
    () =>
      `${client.transport} client ${client.name} to receive "${text}"; it has ${JSON.stringify(lines(client.messages))}`,
  );
}

function expectStrictlyIncreasingSeqs(client: ChatClient): void {
  const seqs = client.messages.map((message) => message.seq);
  for (let index = 1; index < seqs.length; index += 1) {
    expect(seqs[index], `${client.name} received seqs out of order: ${seqs.join(',')}`).toBeGreaterThan(
      seqs[index - 1] ?? 0,
    );
  }
}

describe.each(TRANSPORT_KINDS)('transport contract: %s', (kind) => {
  let server: RunningServer;
  const pool = new ClientPool();
  const connect = (room: string, name: string, options?: { since?: string }) =>
    pool.connect(kind, server.url, room, name, options);

  beforeAll(async () => {
    server = await startServer(CONFIG);
  });
  afterEach(async () => {
    await pool.closeAll();
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('round trip: a sent message comes back with the acked seq, and reaches another client', async () => {
    const room = newRoom();
    const ada = await connect(room, 'ada');
    const bob = await connect(room, 'bob');
    const ack = await ada.send('hello, wire');
    await waitForText(ada, 'hello, wire');
    await waitForText(bob, 'hello, wire');
    const echoed = ada.messages.find((message) => message.text === 'hello, wire');
    expect(echoed).toMatchObject({
      seq: ack.seq,
      cursor: ack.cursor,
      epoch: ack.epoch,
      from: 'ada',
      kind: 'chat',
      room,
    });
    expect(bob.messages.find((message) => message.text === 'hello, wire')?.seq).toBe(ack.seq);
    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it('without a cursor a client starts with the recent history (the snapshot), then goes live', async () => {
    const room = newRoom();
    const bob = await connect(room, 'bob');
    const sent = Array.from({ length: CONFIG.snapshotSize + 2 }, (_, index) => `history ${index + 1}`);
    for (const text of sent) await bob.send(text);
    const ada = await connect(room, 'ada');
    expect(ada.resumes[0]).toEqual({ recovered: true });
    await waitForText(ada, sent.at(-1) ?? '');
    // The snapshot is the room's last snapshotSize messages: a contiguous tail of what bob sent (a poller's own
    // join line, published as its first poll arrives, may take one of the slots).
    const texts = chats(ada).map((message) => message.text);
    expect(texts).toEqual(sent.slice(-texts.length));
    expect(texts.length).toBeGreaterThanOrEqual(CONFIG.snapshotSize - 1);
    expect(texts.length).toBeLessThanOrEqual(CONFIG.snapshotSize);
    await bob.send('live');
    await waitForText(ada, 'live');
    expect(ada.duplicates).toEqual([]);
  });

  it('fan-out: three clients each receive all three messages, in the same seq order', async () => {
    const room = newRoom();
    const clients = [await connect(room, 'ada'), await connect(room, 'bob'), await connect(room, 'cyd')];
    await Promise.all(clients.map((client) => client.send(`from ${client.name}`)));
    for (const client of clients) {
      await waitFor(
        () => chats(client).length >= 3,
        WAIT_MS,
        () => `${client.name} to have 3 chat messages; has ${JSON.stringify(lines(client.messages))}`,
      );
    }
    const orders = clients.map((client) => chats(client).map((message) => `${message.seq}:${message.text}`));
    expect(orders[0]?.map((line) => line.split(':')[1]).sort()).toEqual(['from ada', 'from bob', 'from cyd']);
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
    for (const client of clients) {
      expectStrictlyIncreasingSeqs(client);
      expect(client.duplicates).toEqual([]);
    }
  });

  it('a private message reaches only its target and its sender', async () => {
    const room = newRoom();
    const ada = await connect(room, 'ada');
    const bob = await connect(room, 'bob');
    const cyd = await connect(room, 'cyd');
    await ada.send('for bob only', { to: 'bob' });
    await ada.send('for everyone');
    for (const client of [ada, bob, cyd]) await waitForText(client, 'for everyone');
    expect(ada.messages.find((message) => message.text === 'for bob only')).toMatchObject({
      kind: 'private',
      to: 'bob',
    });
    expect(bob.messages.find((message) => message.text === 'for bob only')).toMatchObject({
      kind: 'private',
      from: 'ada',
    });
    expect(lines(cyd.messages)).not.toContain('private:ada:for bob only');
    expect(cyd.messages.some((message) => message.kind === 'private')).toBe(false);
  });

  it('join and leave lines: one join, and the leave only after the grace', async () => {
    const room = newRoom();
    const ada = await connect(room, 'ada');
    const bob = await connect(room, 'bob');
    const isJoin = (message: ChatMessage) => message.kind === 'join' && message.from === 'bob';
    const isLeave = (message: ChatMessage) => message.kind === 'leave' && message.from === 'bob';
    await waitFor(
      () => ada.messages.some(isJoin),
      WAIT_MS,
      () => `ada to see bob join; has ${JSON.stringify(lines(ada.messages))}`,
    );
    // Let a poller poll a few times: each poll must not be a new join.
    await bob.send('still here');
    await waitForText(ada, 'still here');
    await bob.close();
    const closedAt = performance.now();
    await waitFor(
      () => ada.messages.some(isLeave),
      WAIT_MS,
      () => `ada to see bob leave; has ${JSON.stringify(lines(ada.messages))}`,
    );
    const leaveSeenAfterMs = performance.now() - closedAt;
    expect(leaveSeenAfterMs, 'the leave came before the grace had passed').toBeGreaterThanOrEqual(
      PRESENCE_GRACE_MS - 20,
    );
    expect(ada.messages.filter(isJoin)).toHaveLength(1);
    expect(ada.messages.filter(isLeave)).toHaveLength(1);
    const join = ada.messages.find(isJoin);
    const leave = ada.messages.find(isLeave);
    expect(join?.seq ?? 0).toBeLessThan(leave?.seq ?? 0);
  });

  it('resume after a cut: nothing lost, nothing duplicated, in seq order', async () => {
    const room = newRoom();
    const ada = await connect(room, 'ada');
    const bob = await connect(room, 'bob');
    await bob.send('before 1');
    await bob.send('before 2');
    await waitForText(ada, 'before 2');
    await ada.cut();
    const whileCut = ['while cut 1', 'while cut 2', 'while cut 3', 'while cut 4', 'while cut 5'];
    for (const text of whileCut) await bob.send(text);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hasText(ada, 'while cut 1'), 'a cut client must not receive anything').toBe(false);
    await ada.reconnect();
    await bob.send('after');
    await waitForText(ada, 'after');
    const texts = chats(ada).map((message) => message.text);
    expect(texts).toEqual(['before 1', 'before 2', ...whileCut, 'after']);
    expect(ada.duplicates, `duplicates delivered: ${JSON.stringify(lines(ada.duplicates))}`).toEqual([]);
    expect(ada.resumes.at(-1)).toEqual({ recovered: true });
    expectStrictlyIncreasingSeqs(ada);
  });

  it('resume past the history window: recovered:false window_exceeded, with a snapshot', async () => {
    const room = newRoom();
    const ada = await connect(room, 'ada');
    const bob = await connect(room, 'bob');
    await bob.send('seen');
    await waitForText(ada, 'seen');
    await ada.cut();
    const count = CONFIG.historyLimit + 5;
    for (let index = 1; index <= count; index += 1) await bob.send(`flood ${index}`);
    await ada.reconnect();
    expect(ada.resumes.at(-1)).toEqual({ recovered: false, reason: 'window_exceeded' });
    await waitForText(ada, `flood ${count}`);
    // The snapshot: the newest messages, not the lost middle.
    expect(hasText(ada, 'flood 1')).toBe(false);
    expectStrictlyIncreasingSeqs(ada);
  });

  it('a resent id is stored once: the same seq, delivered once', async () => {
    const room = newRoom();
    const ada = await connect(room, 'ada');
    const bob = await connect(room, 'bob');
    const id = newMessageId();
    const first = await ada.send('only once', { id });
    const second = await ada.send('only once', { id });
    expect(second.seq).toBe(first.seq);
    expect(second.cursor).toBe(first.cursor);
    await ada.send('marker');
    await waitForText(bob, 'marker');
    await waitForText(ada, 'marker');
    for (const client of [ada, bob]) {
      expect(client.messages.filter((message) => message.id === id)).toHaveLength(1);
      expect(client.duplicates.filter((message) => message.id === id)).toEqual([]);
    }
  });

  it('a cursor from another epoch: recovered:false epoch_changed, with a snapshot', async () => {
    const room = newRoom();
    const bob = await connect(room, 'bob');
    await bob.send('already here');
    const ada = await connect(room, 'ada', { since: 'someOldEpoch:3' });
    expect(ada.resumes[0]).toEqual({ recovered: false, reason: 'epoch_changed' });
    await waitForText(ada, 'already here');
    await bob.send('and live');
    await waitForText(ada, 'and live');
    expect(ada.messages.every((message) => message.epoch !== 'someOldEpoch')).toBe(true);
  });
});
