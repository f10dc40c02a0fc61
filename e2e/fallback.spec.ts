/**
 * Auto falls back the way Socket.IO and SockJS do: with the lab blocking this tab's WebSocket upgrades,
 * it ends on SSE, says which attempts it made, the chat works both ways, and the diagram shows the
 * refused upgrade (403, not 101) before the event stream.
 */
import { connectionStatus, expect, line, say, test, uniqueRoom } from './chat-page.ts';
import { diagramArrows, joinHere, labCheck } from './lab-page.ts';

test('with upgrades blocked, Auto ends on SSE and the diagram shows the refused upgrade', async ({
  browser,
  joinAs,
}) => {
  const room = uniqueRoom('fallback');
  const bob = await joinAs('bob', room, 'websocket');

  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto('/');
    await labCheck(page, 'Block WebSocket upgrades');
    await page.getByRole('radio', { name: 'Auto (fallback)', exact: true }).check();
    await joinHere(page, 'ada', room);

    await expect(connectionStatus(page)).toHaveText('Connected via Server-Sent Events, picked by Auto.');
    await expect(page.getByText(/^Tried: /)).toHaveText(
      'Tried: WebSocket: failed before opening (upgrade refused or blocked) → SSE: connected',
    );

    // Both ways: ada over SSE + POST, bob over his WebSocket.
    await say(page, 'hello from behind the firewall');
    await expect(line(bob, 'hello from behind the firewall')).toBeVisible();
    await say(bob, 'heard you over the socket');
    await expect(line(page, 'heard you over the socket')).toBeVisible();

    // The wire: the upgrade went out and came back 403, then the event stream opened.
    const upgrade = diagramArrows(page, '[data-unit="ws-handshake"][data-dir="in"]').first();
    await expect(upgrade).toHaveAttribute('aria-label', /GET …\/ws Upgrade/);
    // The refusal is a plain HTTP response: the upgrade never happened, so there is no 101 and no frame.
    const refusal = diagramArrows(page, '[data-unit="http-response"][data-dir="out"]')
      .and(page.locator('[aria-label*=", 403,"]'))
      .first();
    await expect(refusal).toBeAttached();
    await expect(
      diagramArrows(page, '[data-unit="http-request"][data-dir="in"]')
        .filter({ hasText: 'GET …/sse' })
        .first(),
    ).toBeAttached();
    await expect(page.locator('svg[data-diagram="sequence"] g.seq-channel-sse').first()).toBeAttached();
    await page.screenshot({ path: test.info().outputPath('fallback.png') });
  } finally {
    await context.close();
  }
});
