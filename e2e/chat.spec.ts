import { TRANSPORT_KINDS } from '../protocol/messages.ts';
import {
  chatLog,
  chooseTransport,
  expect,
  expectConnected,
  line,
  say,
  seqsIn,
  test,
  uniqueRoom,
} from './chat-page.ts';

for (const transport of TRANSPORT_KINDS) {
  test(`two users chat both ways over ${transport}`, async ({ joinAs }) => {
    const room = uniqueRoom(transport);
    const alice = await joinAs('alice', room, transport);
    const bob = await joinAs('bob', room, transport);

    await expect(chatLog(alice).getByText('bob joined')).toBeVisible();
    await expect(chatLog(bob).getByText('alice joined')).toBeVisible();

    await say(alice, `hello from alice over ${transport}`);
    await expect(line(bob, `hello from alice over ${transport}`)).toBeVisible();
    await say(bob, `hi alice, bob here over ${transport}`);
    await expect(line(alice, `hi alice, bob here over ${transport}`)).toBeVisible();

    // Each side sees its own message once too: the echo comes back through the hub, deduped by seq.
    await expect(line(alice, `hello from alice over ${transport}`)).toHaveCount(1);
    await expect(line(bob, `hi alice, bob here over ${transport}`)).toHaveCount(1);
  });
}

test('SSE and WebSocket users talk through the same hub', async ({ joinAs }) => {
  const room = uniqueRoom('interop');
  const sseUser = await joinAs('sam', room, 'sse');
  const wsUser = await joinAs('wes', room, 'websocket');
  await say(wsUser, 'sent over a WebSocket');
  await expect(line(sseUser, 'sent over a WebSocket')).toBeVisible();
  await say(sseUser, 'sent with a POST, read over SSE');
  await expect(line(wsUser, 'sent with a POST, read over SSE')).toBeVisible();
});

test('a private message reaches only its sender and its target', async ({ joinAs }) => {
  const room = uniqueRoom('private');
  const ada = await joinAs('ada', room, 'websocket');
  const bob = await joinAs('bob', room, 'sse');
  const cy = await joinAs('cy', room, 'long-polling');
  await expect(chatLog(ada).getByText('cy joined')).toBeVisible();

  await say(ada, 'only bob may read this', 'bob');
  await expect(line(bob, 'only bob may read this')).toContainText('private, to you');
  await expect(line(ada, 'only bob may read this')).toContainText('private to bob');

  // Messages arrive in seq order, so once cy has the later public one, the private one would be there.
  await say(ada, 'this one is for everyone');
  await expect(line(cy, 'this one is for everyone')).toBeVisible();
  await expect(chatLog(cy).getByText('only bob may read this')).toHaveCount(0);
});

test('chat text that looks like HTML stays text', async ({ joinAs }) => {
  const room = uniqueRoom('html');
  const mallory = await joinAs('mallory', room, 'websocket');
  const victim = await joinAs('victim', room, 'polling');
  const payload = '<img src=x onerror=alert(1)> <b>bold?</b>';

  await say(mallory, payload);
  await expect(line(victim, payload)).toBeVisible();
  await expect(line(victim, payload).locator('.text')).toHaveText(payload);
  await expect(chatLog(victim).locator('img, b')).toHaveCount(0);
  await expect(chatLog(mallory).locator('img, b')).toHaveCount(0);
});

for (const transport of ['sse', 'polling'] as const) {
  test(`a reload over ${transport} resumes without duplicates`, async ({ joinAs }) => {
    const room = uniqueRoom(`reload-${transport}`);
    const alice = await joinAs('alice', room, transport);
    const bob = await joinAs('bob', room, 'websocket');
    for (const n of [1, 2, 3]) await say(bob, `before reload ${n}`);
    await expect(line(alice, 'before reload 3')).toBeVisible();
    const chatLines = chatLog(alice).locator('li[data-kind="chat"]');
    const before = await chatLines.count();
    expect(before).toBe(3);

    await alice.reload();
    await expectConnected(alice, transport);
    // Restored from sessionStorage at once, then resumed from the stored cursor.
    await expect(line(alice, 'before reload 3')).toBeVisible();
    await say(bob, 'after reload');
    await expect(line(alice, 'after reload')).toBeVisible();

    await expect(chatLines).toHaveCount(before + 1);
    const seqs = await seqsIn(alice);
    expect(new Set(seqs).size).toBe(seqs.length);
  });
}

test('switching transports keeps one conversation: nothing lost, nothing twice', async ({ joinAs }) => {
  const room = uniqueRoom('switch');
  const alice = await joinAs('alice', room, 'polling');
  const bob = await joinAs('bob', room, 'websocket');
  const sent: string[] = [];
  for (const transport of ['long-polling', 'sse', 'websocket', 'polling'] as const) {
    await chooseTransport(alice, transport);
    const text = `while alice is on ${transport}`;
    sent.push(text);
    await say(bob, text);
    await expectConnected(alice, transport);
    await expect(line(alice, text)).toBeVisible();
  }
  await say(alice, 'alice, still here');
  await expect(line(bob, 'alice, still here')).toBeVisible();
  for (const text of sent) await expect(line(alice, text)).toHaveCount(1);
  const seqs = await seqsIn(alice);
  expect(new Set(seqs).size).toBe(seqs.length);
});

test('a resume the server cannot honour replaces the log and says so', async ({ joinAs }) => {
  const room = uniqueRoom('gap');
  const alice = await joinAs('alice', room, 'websocket');
  await say(alice, 'said before the gap');
  await expect(line(alice, 'said before the gap')).toBeVisible();
  await expect(alice.getByRole('alert')).toHaveCount(0);

  // As if the server had restarted meanwhile: the stored cursor names an epoch the room no longer has.
  // An init script, because the page itself saves its real cursor on the way out.
  await alice.addInitScript((key) => {
    const stored = JSON.parse(sessionStorage.getItem(key) ?? '{}');
    sessionStorage.setItem(key, JSON.stringify({ ...stored, cursor: 'lostepoch:1' }));
  }, `wirelab:room:${room}`);
  await alice.reload();

  await expect(alice.getByRole('alert')).toContainText('Some messages were missed');
  await expect(line(alice, 'said before the gap')).toHaveCount(1);
  const seqs = await seqsIn(alice);
  expect(new Set(seqs).size).toBe(seqs.length);
});
