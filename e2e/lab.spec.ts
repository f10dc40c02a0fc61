/**
 * The network lab from the page: every fault is set through the lab panel, as a learner would, and each
 * spec checks what the brief promises the learner will see: close codes on the wire and in the status
 * line, the SSE reconnect's Last-Event-ID, compressed and fragmented frames joined back into the message.
 */
import { expect, expectConnected, line, say, seqsIn, test, uniqueRoom } from './chat-page.ts';
import {
  diagramArrows,
  dropLine,
  eventsTable,
  inspectMessageFrame,
  inspector,
  labCheck,
  labNumber,
  openLab,
  seqOf,
} from './lab-page.ts';

test('kill clean with 1012, then reset: the close frame, 1006, and the page reconnecting each time', async ({
  joinAs,
}) => {
  const page = await joinAs('kim', uniqueRoom('lab-kill'), 'websocket');
  const panel = await openLab(page);

  await expect(panel.getByLabel('Close code')).toHaveValue('1012');
  await panel.getByRole('button', { name: 'Close cleanly' }).click();
  await expect(panel.getByRole('status', { name: 'Kill result' })).toHaveText(
    /^Ended \d+ connections? cleanly with 1012\.$/,
  );
  await expect(dropLine(page)).toHaveText(/^Dropped once; last: closed with 1012/);
  await expectConnected(page, 'websocket');
  // The server's close frame, on the diagram with its code.
  const close = diagramArrows(page, '[data-unit="ws-frame"][data-dir="out"][data-opcode="8"]').first();
  await expect(close).toHaveAttribute('aria-label', /code 1012/);
  await page.screenshot({ path: test.info().outputPath('lab-kill.png') });
  await panel.screenshot({ path: test.info().outputPath('lab-panel.png') });

  await panel.getByRole('button', { name: 'Reset (RST)' }).click();
  await expect(panel.getByRole('status', { name: 'Kill result' })).toHaveText(
    /^Reset \d+ connections? \(TCP RST/,
  );
  // No close frame came, so the browser reports 1006.
  await expect(dropLine(page)).toHaveText(/^Dropped 2 times; last: closed with 1006/);
  await expectConnected(page, 'websocket');
  await say(page, 'still here after the reset');
  await expect(line(page, 'still here after the reset')).toBeVisible();
});

test('an SSE event cut in half: the reconnect carries Last-Event-ID and the message arrives once', async ({
  joinAs,
}) => {
  const room = uniqueRoom('lab-sse-cut');
  const page = await joinAs('sia', room, 'sse');
  const bob = await joinAs('bob', room, 'websocket');
  await say(bob, 'before the cut');
  const before = await seqOf(page, 'before the cut');

  await labCheck(page, 'Cut the next SSE event');
  await say(bob, 'cut in half');
  const seq = await seqOf(page, 'cut in half');
  await expect(dropLine(page)).toBeVisible();
  await expectConnected(page, 'sse');
  // The cut was one-shot: the panel reads the server's settings again after the drop.
  await expect((await openLab(page)).getByLabel('Cut the next SSE event', { exact: true })).not.toBeChecked();

  await say(bob, 'after the cut');
  await expect(line(page, 'after the cut')).toBeVisible();
  await expect(line(page, 'cut in half')).toHaveCount(1);
  const seqs = await seqsIn(page);
  expect(new Set(seqs).size).toBe(seqs.length);

  // The second GET …/sse is EventSource's own reconnect: it names the last whole event it got.
  await page.getByRole('tab', { name: 'Events' }).click();
  const requests = eventsTable(page).locator('tbody tr[data-unit="http-request"][data-path$="/sse"]');
  await expect(requests).toHaveCount(2);
  await requests.first().click();
  const header = inspector(page)
    .getByRole('region', { name: 'Head lines' })
    .locator('li', { hasText: /^last-event-id: /i });
  await expect(header).toHaveCount(1);
  const lastEventId = /last-event-id: (\S+):(\d+)/i.exec((await header.textContent()) ?? '');
  expect(Number(lastEventId?.[2])).toBeGreaterThanOrEqual(Number(before));
  expect(Number(lastEventId?.[2])).toBeLessThan(Number(seq));
});

test('permessage-deflate: RSV1 set and the payload inflates to the message', async ({ joinAs }) => {
  const page = await joinAs('dee', uniqueRoom('lab-deflate'), 'websocket');
  // Deflate is agreed at the upgrade: turn it on, then kill so the page upgrades again.
  await labCheck(page, 'Offer permessage-deflate');
  await (await openLab(page)).getByRole('button', { name: 'Close cleanly' }).click();
  await expect(dropLine(page)).toBeVisible();
  await expectConnected(page, 'websocket');

  const text = `squeeze me ${'again and again '.repeat(8)}`;
  await say(page, text);
  const seq = await seqOf(page, text);
  const shown = await inspectMessageFrame(page, seq);
  expect(shown.title).toMatch(/^Compressed text message/);
  expect(shown.json).toMatchObject({ type: 'message', message: { text } });
  await expect(inspector(page).locator('li[data-field-name="RSV1"] .field-value').first()).toHaveText('1');
});

test('fragmented frames: continuation frames that reassemble to the message', async ({ joinAs }) => {
  const page = await joinAs('fen', uniqueRoom('lab-fragments'), 'websocket');
  await labNumber(page, 'Fragment WebSocket messages over (bytes, 0 is off)', 16);

  const text = 'a message cut into sixteen-byte pieces';
  await say(page, text);
  const seq = await seqOf(page, text);
  await page.getByRole('tab', { name: 'Events' }).click();
  await expect(
    eventsTable(page)
      .locator('tbody tr[data-unit="ws-frame"][data-dir="out"]')
      .filter({ hasText: 'continuation' })
      .first(),
  ).toBeAttached();
  const shown = await inspectMessageFrame(page, seq);
  expect(shown.title).toMatch(/reassembled from \d+ frames/);
  expect(shown.json).toMatchObject({ type: 'message', message: { text } });
});

test('heartbeats stopped: the page calls the silent WebSocket dead, closes it with 4000 and reconnects', async ({
  joinAs,
}) => {
  // The e2e server pings every 2 s (playwright.config.ts), so silence past 2 × 2 s + 3 s is death.
  const page = await joinAs('hal', uniqueRoom('lab-heartbeat'), 'websocket');
  await labCheck(page, 'Stop heartbeats');
  await expect(dropLine(page)).toHaveText(/^Dropped once; last: no frame for 7 s: the connection is dead/, {
    timeout: 15_000,
  });
  // The page's own close frame (browser to server, masked) carries the private code.
  const close = diagramArrows(page, '[data-unit="ws-frame"][data-dir="in"][data-opcode="8"]').first();
  await expect(close).toHaveAttribute('aria-label', /code 4000/);
  await expectConnected(page, 'websocket');
  await (await openLab(page)).getByLabel('Stop heartbeats', { exact: true }).uncheck();
});
