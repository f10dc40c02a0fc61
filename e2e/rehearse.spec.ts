/**
 * Interview practice: each demo sets the tab up (lab, transport, view) and the page then shows what the
 * answer claims. The lab is set by the demo alone here, never through the lab panel.
 */
import type { Locator, Page } from '@playwright/test';
import {
  chooseTransport,
  connectionStatus,
  expect,
  expectConnected,
  line,
  say,
  test,
  uniqueRoom,
} from './chat-page.ts';
import { diagramArrows, dropLine } from './lab-page.ts';

async function openPractice(page: Page): Promise<Locator> {
  const panel = page.locator('details.rehearse-panel');
  await panel.locator('summary', { hasText: 'Interview practice' }).click();
  await expect(panel.locator('li[data-question]').first()).toBeVisible();
  return panel;
}

function labSummary(page: Page): Locator {
  return page.locator('details.lab-panel > summary');
}

function question(panel: Locator, id: string): Locator {
  return panel.locator(`li[data-question="${id}"]`);
}

test('a demo sets up the tab: Auto behind a blocked upgrade ends on SSE, and the next demo resets the lab', async ({
  joinAs,
}) => {
  const page = await joinAs('ada', uniqueRoom('rehearse'), 'websocket');
  const panel = await openPractice(page);

  const blocked = question(panel, 'upgrade-blocked');
  // Each question is a heading, so a screen reader can move from one to the next.
  await expect(
    blocked.getByRole('heading', {
      name: 'A corporate proxy blocks WebSocket upgrades. What does your client do?',
    }),
  ).toBeVisible();
  await expect(blocked.getByText('Outline of an answer')).toBeVisible();
  await blocked.getByText('Outline of an answer').click();
  await expect(blocked.locator('.rehearse-outline li').first()).toBeVisible();
  await expect(
    blocked.getByText('Auto (fallback) · lab: Block WebSocket upgrades · Sequence diagram'),
  ).toBeVisible();
  await blocked.getByRole('button', { name: 'Show it on the wire' }).click();

  await expect(connectionStatus(page)).toHaveText('Connected via Server-Sent Events, picked by Auto.');
  await expect(page.getByRole('radio', { name: 'Auto (fallback)', exact: true })).toBeChecked();
  const watch = blocked.getByRole('status');
  await expect(watch).toContainText('Watch: The diagram shows the upgrade refused with 403');
  await expect(watch).toContainText('The server holds: Block WebSocket upgrades.');
  // Closed, the lab's line says a setting is on: a learner who picks WebSocket next knows why it fails.
  await expect(labSummary(page)).toHaveText('Network lab · 1 setting on');
  // The new connection's upgrade, refused: a plain 403 response, then the event stream.
  await expect(page.getByRole('tab', { name: 'Sequence diagram' })).toHaveAttribute('aria-selected', 'true');
  await expect(
    diagramArrows(page, '[data-unit="http-response"][data-dir="out"]')
      .and(page.locator('[aria-label*=", 403,"]'))
      .first(),
  ).toBeAttached();
  await page.screenshot({ path: test.info().outputPath('rehearse-upgrade-blocked.png') });

  // The next demo starts from the lab's defaults: the upgrade goes through again, and Race opens.
  const cost = question(panel, 'cost-per-message');
  await cost.getByRole('button', { name: 'Show it on the wire' }).click();
  await expectConnected(page, 'websocket');
  await expect(page.getByRole('tab', { name: 'Race' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('button', { name: 'Start race' })).toBeVisible();
  await expect(cost.getByRole('status')).toContainText('The server holds no faults for this tab');
  await expect(blocked.getByRole('status')).toHaveCount(0);
  await expect(labSummary(page)).toHaveText('Network lab');

  // A demo's faults stay until the next demo or a reset, which its own line offers.
  await blocked.getByRole('button', { name: 'Show it on the wire' }).click();
  await expect(connectionStatus(page)).toHaveText('Connected via Server-Sent Events, picked by Auto.');
  await expect(labSummary(page)).toHaveText('Network lab · 1 setting on');
  await blocked.getByRole('button', { name: 'Reset the lab' }).click();
  await expect(blocked.getByRole('status')).toContainText('The server holds no faults for this tab');
  await expect(labSummary(page)).toHaveText('Network lab');
  await expect(blocked.getByRole('button', { name: 'Reset the lab' })).toHaveCount(0);
});

test('the resume demo: a delivery lost on the way comes back in the resume, once', async ({ joinAs }) => {
  const page = await joinAs('kim', uniqueRoom('rehearse-drop'), 'sse');
  const panel = await openPractice(page);
  const resume = question(panel, 'resume-after-drop');
  await resume.getByRole('button', { name: 'Show it on the wire' }).click();
  await expectConnected(page, 'websocket');
  await expect(resume.getByRole('status')).toContainText('Lose the next deliveries (count) = 1');
  // Armed after the new connection opened, so it is still waiting for a message: armed before, it would
  // have taken the connection's own resume frame.
  const heldDropNext = await page.evaluate(async () => {
    const clientId = JSON.parse(sessionStorage.getItem('wirelab:client-id') ?? 'null');
    const answer = await fetch(`/api/lab?client=${encodeURIComponent(clientId)}`);
    const state: { settings: { dropNext: number } } = await answer.json();
    return state.settings.dropNext;
  });
  expect(heldDropNext).toBe(1);
  await expect(dropLine(page)).toHaveCount(0);

  await expect(labSummary(page)).toHaveText('Network lab · 1 setting on');

  await say(page, 'lost on the way, then resumed');
  await expect(dropLine(page)).toHaveText(/^Dropped once; last: closed with 1006/);
  // The fault fired: the lab is read again after the drop, and its line no longer claims it is on.
  await expect(labSummary(page)).toHaveText('Network lab');
  await expectConnected(page, 'websocket');
  await expect(line(page, 'lost on the way, then resumed')).toHaveCount(1);
  await say(page, 'and the next one as usual');
  await expect(line(page, 'and the next one as usual')).toHaveCount(1);
  await expect(line(page, 'lost on the way, then resumed')).toHaveCount(1);
});

test('before joining, the demos wait for a room', async ({ page }) => {
  await page.goto('/');
  await chooseTransport(page, 'websocket');
  const panel = await openPractice(page);
  const handshake = question(panel, 'websocket-handshake');
  await expect(handshake.getByRole('button', { name: 'Show it on the wire' })).toBeDisabled();
  await expect(handshake.getByText('Join a room first: the demo runs on your own connection.')).toBeVisible();
});
