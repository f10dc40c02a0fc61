/**
 * The lab's remaining faults from the page, each set through the lab panel as a learner would: the proxy
 * idle timeout (with and without heartbeats), lost deliveries, ignored pongs, binary frames, and delay.
 * Each spec asserts on what the status line, the diagram and the Events table / frame inspector show,
 * and ends with "Reset all to defaults" (settings are per tab id, and each context has its own tab).
 *
 * Times on the wire are read from the Events table's Time column (server clock), so they do not depend
 * on how fast the test reads the page; only lower bounds are asserted on the test's own clock.
 */
import type { Page } from '@playwright/test';
import { expect, expectConnected, line, say, seqsIn, test, uniqueRoom } from './chat-page.ts';
import {
  diagramArrows,
  dropLine,
  inspectMessageFrame,
  inspectRow,
  labCheck,
  labNumber,
  labResetAll,
  openLab,
  seqOf,
  type WireRow,
  wireRows,
} from './lab-page.ts';

/** The e2e server's WebSocket ping interval (playwright.config.ts): heartbeats come this often. */
const PING_INTERVAL_MS = 2000;
const IDLE_TIMEOUT_MS = 5000;
const IDLE_TIMEOUT = 'Proxy idle timeout (ms, 0 is off)';
/** The idle watch looks every 250 ms at most, and the capture stamps units a little after their bytes. */
const IDLE_TICK_MS = 250;

async function showDiagram(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Sequence diagram' }).click();
}

/** The one row matching `pick`, failing with the table in the message when there is not exactly one. */
function only(rows: readonly WireRow[], pick: (row: WireRow) => boolean, what: string): WireRow {
  const found = rows.filter(pick);
  expect(found, `${what} in ${JSON.stringify(rows, null, 1)}`).toHaveLength(1);
  return found[0] as WireRow;
}

/**
 * The last unit from the server carrying `seq`. (Not "the row before the cut": the capture may record a
 * TCP close a little after the page has already reconnected, so eventSeq order is not the old socket's.)
 */
function lastCarrier(rows: readonly WireRow[], seq: string): WireRow | undefined {
  return rows.filter((row) => row.dir === 'out' && row.seqs.includes(seq)).at(-1);
}

/**
 * Reads the Events table until it shows the lab panel's answer to its opening GET, and returns the newest
 * eventSeq: the next /api/lab answer after it is the change the test makes next.
 */
async function labAnswered(page: Page): Promise<number> {
  await openLab(page);
  let rows: WireRow[] = [];
  await expect
    .poll(async () => {
      rows = await wireRows(page);
      return rows.some((row) => row.unit === 'http-response' && row.path === '/api/lab');
    })
    .toBe(true);
  return Math.max(...rows.map((row) => row.eventSeq));
}

test('proxy idle timeout with heartbeats stopped: the WebSocket is cut without a close frame, 1006, and comes back', async ({
  joinAs,
}) => {
  const page = await joinAs('ida', uniqueRoom('lab-idle-ws'), 'websocket');
  await labNumber(page, IDLE_TIMEOUT, IDLE_TIMEOUT_MS);
  await labCheck(page, 'Stop heartbeats');
  // The last bytes on the socket: the proxy's idle clock and the page's own watchdog (2 × 2 s + 3 s)
  // both start from this message, so the proxy (5 s) cuts well before the watchdog would close with 4000.
  const sentAtMs = Date.now();
  await say(page, 'and then silence');
  const seq = await seqOf(page, 'and then silence');

  await expect(dropLine(page)).toHaveText(/^Dropped once; last: closed with 1006 /, { timeout: 15_000 });
  expect(Date.now() - sentAtMs).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS);
  await labResetAll(page);
  await expectConnected(page, 'websocket');

  // The diagram: the old socket's channel ended, a reconnect gap, and no close frame either way.
  await showDiagram(page);
  await expect(page.locator('svg[data-diagram="sequence"] g.seq-gap title')).toHaveText(
    /^reconnect gap [\d.]+ m?s: no websocket connection$/,
  );
  await expect(diagramArrows(page, '[data-unit="ws-frame"][data-opcode="8"]')).toHaveCount(0);

  // The table, on the server's clock: 5 s of silence after the message, the cut, the page back within
  // two heartbeat intervals (it heard the FIN at once; it did not wait for its watchdog).
  const rows = await wireRows(page);
  const cut = only(rows, (row) => row.unit === 'tcp-close' && row.transport === 'websocket', 'the cut');
  expect(cut.detail).toContain('no Close frame: browser sees 1006');
  const last = lastCarrier(rows, seq);
  expect(last, 'the last frame before the silence').toBeDefined();
  expect(cut.timeMs - (last?.timeMs ?? 0)).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - IDLE_TICK_MS);
  const reconnect = rows.find(
    (row) => row.unit === 'ws-handshake' && row.dir === 'in' && row.eventSeq > cut.eventSeq,
  );
  expect(reconnect, 'the page upgrades again').toBeDefined();
  expect((reconnect?.timeMs ?? 0) - cut.timeMs).toBeLessThan(2 * PING_INTERVAL_MS);

  const ended = await inspectRow(page, cut.eventSeq);
  await expect(ended.getByRole('region', { name: 'How the WebSocket ended' }).locator('li')).toHaveText([
    /^No close frame from the server: the browser sees 1006/,
    /^No close frame from the browser: the server sees 1006/,
  ]);

  await say(page, 'back after the cut');
  await expect(line(page, 'back after the cut')).toBeVisible();
});

test('proxy idle timeout with heartbeats on: the WebSocket stays up, pinged every 2 s', async ({
  joinAs,
}) => {
  const page = await joinAs('hob', uniqueRoom('lab-idle-hb'), 'websocket');
  await labNumber(page, IDLE_TIMEOUT, IDLE_TIMEOUT_MS);
  const setAfter = Math.max(0, ...(await wireRows(page)).map((row) => row.eventSeq));

  // More than twice the idle timeout: without the heartbeats the proxy would have cut twice by now.
  await page.waitForTimeout(12_000);
  await expect(dropLine(page)).toHaveCount(0);
  await expectConnected(page, 'websocket');
  const rows = (await wireRows(page)).filter((row) => row.eventSeq > setAfter);
  // (The lab's own requests come and go on keep-alive sockets: only the WebSocket's close would matter.)
  expect(rows.filter((row) => row.unit === 'tcp-close' && row.transport === 'websocket')).toEqual([]);
  const pings = rows.filter((row) => row.unit === 'ws-frame' && row.dir === 'out' && row.detail === 'ping');
  const pongs = rows.filter((row) => row.unit === 'ws-frame' && row.dir === 'in' && /^pong/.test(row.detail));
  expect(pings.length).toBeGreaterThanOrEqual(4);
  expect(pongs.length).toBeGreaterThanOrEqual(4);
  // Never as much as the idle timeout without a byte on the socket.
  const times = rows.filter((row) => row.transport === 'websocket').map((row) => row.timeMs);
  const silences = times.slice(1).map((time, index) => time - (times[index] ?? time));
  expect(Math.max(...silences)).toBeLessThan(IDLE_TIMEOUT_MS);
  // The diagram: one WebSocket channel, still open.
  await showDiagram(page);
  await expect(page.locator('svg[data-diagram="sequence"] g.seq-channel-websocket title')).toHaveText([
    /^WebSocket on connection #\d+, open$/,
  ]);

  await say(page, 'kept alive');
  await expect(line(page, 'kept alive')).toBeVisible();
  await labResetAll(page);
});

test('proxy idle timeout on SSE: the stream is cut and EventSource resumes with Last-Event-ID', async ({
  joinAs,
}) => {
  const room = uniqueRoom('lab-idle-sse');
  const page = await joinAs('sal', room, 'sse');
  const bob = await joinAs('bob', room, 'websocket');
  // SSE heartbeat comments come every 15 s here; stop them anyway, so nothing but chat keeps it open.
  await labCheck(page, 'Stop heartbeats');
  await labNumber(page, IDLE_TIMEOUT, IDLE_TIMEOUT_MS);
  await say(bob, 'the last event before the cut');
  const seq = await seqOf(page, 'the last event before the cut');

  await expect(dropLine(page)).toHaveText(/^Dropped once; last: the event stream dropped/, {
    timeout: 15_000,
  });
  await labResetAll(page);
  await expectConnected(page, 'sse');

  const rows = await wireRows(page);
  const cut = only(rows, (row) => row.unit === 'tcp-close' && row.transport === 'sse', 'the cut');
  const last = lastCarrier(rows, seq);
  expect(last?.unit).toBe('sse-event');
  expect(cut.timeMs - (last?.timeMs ?? 0)).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - IDLE_TICK_MS);
  // EventSource's own reconnect names the last event it got: nothing was lost, so that is this message.
  const reconnect = rows.find(
    (row) => row.unit === 'http-request' && row.path?.endsWith('/sse') && row.eventSeq > cut.eventSeq,
  );
  expect(reconnect, 'EventSource connects again').toBeDefined();
  const request = await inspectRow(page, reconnect?.eventSeq ?? 0);
  await expect(
    request.getByRole('region', { name: 'Head lines' }).locator('li', { hasText: /^last-event-id: /i }),
  ).toHaveText(new RegExp(`^last-event-id: [^:\\s]+:${seq}\\b`, 'i'));

  await say(bob, 'after the cut');
  await expect(line(page, 'after the cut')).toBeVisible();
  await expect(line(page, 'the last event before the cut')).toHaveCount(1);
  const seqs = await seqsIn(page);
  expect(new Set(seqs).size).toBe(seqs.length);
});

test('a long-poll answer lost on the way: the poll is reset and the message still arrives once', async ({
  joinAs,
}) => {
  const room = uniqueRoom('lab-drop-lp');
  const page = await joinAs('lena', room, 'long-polling');
  const bob = await joinAs('bob', room, 'websocket');
  await say(bob, 'before the loss');
  const before = await seqOf(page, 'before the loss');

  // The page's held long poll is the next delivery: bob's message is committed, its answer is lost.
  await labNumber(page, 'Lose the next deliveries (count)', 1);
  await say(bob, 'lost once, delivered once');
  const seq = await seqOf(page, 'lost once, delivered once');
  await say(bob, 'and the next one');
  await expect(line(page, 'and the next one')).toBeVisible();
  await expect(line(page, 'lost once, delivered once')).toHaveCount(1);
  const seqs = await seqsIn(page);
  expect(new Set(seqs).size).toBe(seqs.length);
  // One-shot: the count is spent. (Read again: the page itself saw no drop, see below.)
  const panel = await openLab(page);
  await panel.getByRole('button', { name: 'Read again' }).click();
  await expect(panel.getByRole('status', { name: 'Lab settings on the server' })).toHaveText(
    /^The server holds no faults for this tab/,
  );

  // The diagram: the held poll ends closed, unanswered (the reset).
  await showDiagram(page);
  await expect(
    page.locator('svg[data-diagram="sequence"] g.seq-hold title', { hasText: 'closed unanswered' }),
  ).toHaveCount(1);

  // The wire: the reset poll carried nothing; the next GET asked again from the cursor the page had
  // before (since= the seq of the message before), and its answer carried the message, once.
  const rows = await wireRows(page);
  const answer = only(rows, (row) => row.unit === 'http-response' && row.seqs.includes(seq), 'the answer');
  const reset = only(
    rows,
    (row) => row.unit === 'tcp-close' && row.transport === 'long-polling' && row.eventSeq < answer.eventSeq,
    'the reset poll',
  );
  const again = only(
    rows,
    (row) =>
      row.unit === 'http-request' &&
      row.path?.endsWith('/long-poll') === true &&
      row.eventSeq > reset.eventSeq &&
      row.eventSeq < answer.eventSeq,
    'the poll asked again',
  );
  const request = await inspectRow(page, again.eventSeq);
  await expect(request.getByRole('region', { name: 'Head lines' }).locator('li').first()).toHaveText(
    new RegExp(`^GET \\S+/long-poll\\?\\S*since=[^&\\s]*(%3A|:)${before}(&|\\s|␍)`),
  );
  // The page's status line has nothing to say: the reset hit a reused keep-alive socket before any byte
  // of the answer, and Chromium re-sends a request in that case by itself (the same GET, the same since=),
  // so fetch never failed. The SSE spec below shows a drop the page does see.
  await labResetAll(page);
});

test('an SSE event lost on the way: the stream is reset, the drop shows, the event comes in the replay', async ({
  joinAs,
}) => {
  const room = uniqueRoom('lab-drop-sse');
  const page = await joinAs('sid', room, 'sse');
  const bob = await joinAs('bob', room, 'websocket');
  await say(bob, 'before the loss');
  const before = await seqOf(page, 'before the loss');

  await labNumber(page, 'Lose the next deliveries (count)', 1);
  await say(bob, 'lost once, delivered once');
  const seq = await seqOf(page, 'lost once, delivered once');
  await expect(dropLine(page)).toHaveText(/^Dropped once; last: the event stream dropped/);
  await expectConnected(page, 'sse');
  // One-shot: the panel reads the server's settings again after the drop, and the count is spent.
  await expect(page.getByRole('status', { name: 'Lab settings on the server' })).toHaveText(
    /^The server holds no faults for this tab/,
  );
  await say(bob, 'and the next one');
  await expect(line(page, 'and the next one')).toBeVisible();
  await expect(line(page, 'lost once, delivered once')).toHaveCount(1);
  const seqs = await seqsIn(page);
  expect(new Set(seqs).size).toBe(seqs.length);

  // The diagram: the first stream ended and a reconnect gap before the second.
  await expect(page.locator('svg[data-diagram="sequence"] g.seq-gap title')).toHaveText(
    /^reconnect gap [\d.]+ m?s: no sse connection$/,
  );
  // The wire: no event carried the message on the reset stream; the reconnect names the event before it.
  const rows = await wireRows(page);
  const reset = only(rows, (row) => row.unit === 'tcp-close' && row.transport === 'sse', 'the reset stream');
  expect(rows.filter((row) => row.seqs.includes(seq) && row.eventSeq < reset.eventSeq)).toEqual([]);
  const carried = rows.filter((row) => row.unit === 'sse-event' && row.seqs.includes(seq));
  expect(carried).toHaveLength(1);
  const reconnect = only(
    rows,
    (row) =>
      row.unit === 'http-request' && row.path?.endsWith('/sse') === true && row.eventSeq > reset.eventSeq,
    'the reconnect',
  );
  const request = await inspectRow(page, reconnect.eventSeq);
  await expect(
    request.getByRole('region', { name: 'Head lines' }).locator('li', { hasText: /^last-event-id: /i }),
  ).toHaveText(new RegExp(`^last-event-id: [^:\\s]+:${before}\\b`, 'i'));
  await labResetAll(page);
});

test('ignored pongs: the browser answers every ping, yet the server terminates the socket (1006)', async ({
  joinAs,
}) => {
  const page = await joinAs('pia', uniqueRoom('lab-pongs'), 'websocket');
  const panelReadAt = await labAnswered(page);
  await labCheck(page, 'Ignore pongs');
  await expect(dropLine(page)).toHaveText(/^Dropped once; last: closed with 1006 /);
  await labResetAll(page);
  await expectConnected(page, 'websocket');

  // On the server's clock, from the lab's answer to the change (the page's PUT /api/lab, in the table too):
  // a ping, the browser's pong, ignored, and at the next tick the socket terminated, within two intervals.
  const rows = await wireRows(page);
  const cut = rows.find((row) => row.unit === 'tcp-close' && row.transport === 'websocket');
  expect(cut?.detail).toContain('no Close frame: browser sees 1006');
  const cutSeq = cut?.eventSeq ?? 0;
  const set = rows.find(
    (row) => row.unit === 'http-response' && row.path === '/api/lab' && row.eventSeq > panelReadAt,
  );
  expect(set, 'the lab change').toBeDefined();
  const setSeq = set?.eventSeq ?? 0;
  expect((cut?.timeMs ?? 0) - (set?.timeMs ?? 0)).toBeLessThan(2 * PING_INTERVAL_MS + 1000);
  const between = rows.filter((row) => row.eventSeq > setSeq && row.eventSeq < cutSeq);
  const pongs = between.filter(
    (row) => row.unit === 'ws-frame' && row.dir === 'in' && /^pong/.test(row.detail),
  );
  expect(pongs.length, 'the browser answered the ping').toBeGreaterThanOrEqual(1);
  const frame = await inspectRow(page, pongs.at(-1)?.eventSeq ?? 0);
  await expect(frame.locator('.frame-inspector')).toHaveAttribute('data-opcode', '10');
  await expect(frame.locator('.frame-inspector')).toHaveAttribute('data-masked', '1');
  // …and nobody sent a close frame.
  expect(between.filter((row) => row.unit === 'ws-frame' && row.detail.startsWith('close'))).toEqual([]);

  // Reset may have come just after a pong was ignored: one more cut can follow; the page heals either way.
  await page.waitForTimeout(PING_INTERVAL_MS + 500);
  await expectConnected(page, 'websocket');
  await say(page, 'pongs heard again');
  await expect(line(page, 'pongs heard again')).toBeVisible();
});

test('binary frames: the server sends opcode 2 with the UTF-8 JSON, and chat works both ways', async ({
  joinAs,
}) => {
  const room = uniqueRoom('lab-binary');
  const page = await joinAs('bea', room, 'websocket');
  const bob = await joinAs('bob', room, 'websocket');
  const setAfter = Math.max(0, ...(await wireRows(page)).map((row) => row.eventSeq));
  await labCheck(page, 'Binary WebSocket frames');

  await say(bob, 'hello in binary');
  const seq = await seqOf(page, 'hello in binary');
  await say(page, 'answered from a binary tab');
  await expect(line(bob, 'answered from a binary tab')).toBeVisible();

  // The diagram draws the message's frame with opcode 2.
  await showDiagram(page);
  await expect(
    diagramArrows(page, `[data-unit="ws-frame"][data-dir="out"][data-opcode="2"][data-seqs~="${seq}"]`),
  ).toHaveCount(1);
  const shown = await inspectMessageFrame(page, seq);
  expect(shown.opcode).toBe('2');
  expect(shown.title).toMatch(/^Binary payload: \d+ bytes$/);
  expect(shown.json).toMatchObject({
    type: 'message',
    message: { seq: Number(seq), text: 'hello in binary' },
  });
  await expect(page.getByRole('region', { name: 'The message' }).locator('h5')).toHaveText([
    'Bytes',
    'Read as UTF-8',
  ]);
  // Only this tab's server frames change: its own sends stay masked text, bob's frames stay text.
  const rows = await wireRows(page);
  const carried = rows.filter(
    (row) => row.eventSeq > setAfter && row.unit === 'ws-frame' && row.dir === 'out' && row.seqs.length > 0,
  );
  expect(carried.length).toBeGreaterThanOrEqual(3);
  expect(carried.map((row) => row.detail)).toEqual(carried.map(() => 'binary'));
  expect(
    rows.filter((row) => row.unit === 'ws-frame' && row.dir === 'in' && row.detail.startsWith('text')).length,
  ).toBeGreaterThanOrEqual(1);
  const bobRows = (await wireRows(bob)).filter(
    (row) => row.unit === 'ws-frame' && row.dir === 'out' && row.seqs.includes(seq),
  );
  expect(bobRows.map((row) => row.detail)).toEqual(['text', 'text']);
  await labResetAll(page);
});

test('delay and jitter to the page: a message shows up no sooner than the delay, in order, late on the wire', async ({
  joinAs,
}) => {
  const page = await joinAs('del', uniqueRoom('lab-delay'), 'websocket');
  const DELAY_MS = 1500;
  await labNumber(page, 'Delay, server → page (ms)', DELAY_MS);
  await labNumber(page, 'Jitter, server → page (up to ms)', 300);

  const sentAtMs = Date.now();
  await say(page, 'slow boat');
  const seq = await seqOf(page, 'slow boat');
  expect(Date.now() - sentAtMs).toBeGreaterThanOrEqual(DELAY_MS);
  // Jitter never reorders: three quick messages come back in seq order.
  for (const text of ['one', 'two', 'three']) await say(page, `in order ${text}`);
  await expect(line(page, 'in order three')).toBeVisible();
  const seqs = (await seqsIn(page)).map(Number);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

  // On the server's clock: the send frame came in, and the frames carrying its seq (ack, message) went
  // out at least the delay later.
  const rows = await wireRows(page);
  const sends = rows.filter(
    (row) => row.unit === 'ws-frame' && row.dir === 'in' && row.detail.startsWith('text'),
  );
  const send = sends[0];
  expect(send, 'the send frame').toBeDefined();
  const carried = rows.filter(
    (row) => row.unit === 'ws-frame' && row.dir === 'out' && row.seqs.includes(seq),
  );
  expect(carried.length).toBeGreaterThanOrEqual(2);
  for (const row of carried) expect(row.timeMs - (send?.timeMs ?? 0)).toBeGreaterThanOrEqual(DELAY_MS);
  await labResetAll(page);
});
