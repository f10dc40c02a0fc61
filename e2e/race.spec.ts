/**
 * Race mode and the latency timeline in a real browser: a race shows four arrivals of one message, and
 * messages sent over WebSocket show their four stages and a percentile row.
 */
import type { Page } from '@playwright/test';
import { chatLog, expect, line, say, test, uniqueRoom } from './chat-page.ts';

/** How much larger than its own units a chart is drawn: its text is 11 units tall. */
function chartZoom(page: Page, name: string | RegExp): Promise<number> {
  return page
    .getByRole('list', { name })
    .evaluate((svg) => svg.getBoundingClientRect().width / (svg as SVGSVGElement).viewBox.baseVal.width);
}

/** The presenter theme draws a chart's 11-unit text at about 15 px, as large as the sequence diagram's. */
async function expectPresenterZoom(page: Page, chart: string | RegExp): Promise<void> {
  const normal = await chartZoom(page, chart);
  await page.getByRole('button', { name: 'Presenter theme' }).click();
  await expect.poll(() => chartZoom(page, chart)).toBeGreaterThan(normal * 1.2);
  expect(11 * (await chartZoom(page, chart))).toBeGreaterThanOrEqual(13.5);
  await page.getByRole('button', { name: 'Presenter theme' }).click();
}

async function openTab(page: Page, name: 'Latency' | 'Race'): Promise<void> {
  await page.getByRole('tab', { name, exact: true }).click();
  await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
}

/** The clock offset must be known before page-side stages can be placed. */
async function expectClockKnown(page: Page): Promise<void> {
  await expect(page.locator('.clock-line[data-offset-ms]')).toBeAttached();
}

test('race mode shows four arrivals of one message, then closes its receivers', async ({ joinAs }) => {
  const room = uniqueRoom('race');
  const page = await joinAs('ada', room, 'websocket');
  await openTab(page, 'Race');
  await page.getByRole('button', { name: 'Start race' }).click();

  const lanes = page.getByRole('list', { name: /Race lanes/ }).getByRole('listitem');
  await expect(lanes).toHaveCount(4);
  for (const transport of ['polling', 'long-polling', 'sse', 'websocket']) {
    const lane = page.locator(`.race-lane[data-transport="${transport}"]`);
    await expect(lane.locator('.arrival-mark')).toHaveCount(1);
    await expect(lane.locator('.arrival-time')).toHaveText(/^\+[0-9.]+ (ms|s)$/);
  }
  await expect(page.getByRole('status', { name: 'Race status' })).toHaveText(
    /^Done: 4 of 4 arrived; .+ was first\./,
  );
  // Exactly one winner, and naive polling cannot beat a push on an open stream.
  await expect(page.locator('.race-lane[data-place="1"]')).not.toHaveCount(0);
  await expect(page.locator('.race-lane[data-transport="polling"]')).not.toHaveAttribute('data-place', '1');
  await expect(page.locator('.race-why li')).toHaveCount(4);

  // The message went into the room once; the receivers joined under clear names.
  await expect(line(page, 'Race: which transport hears this first?')).toHaveCount(1);
  await expect(chatLog(page).getByText('ada (race sse) joined')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Race again' })).toBeEnabled();
  await expectPresenterZoom(page, /Race lanes/);
});

test('the latency timeline shows four stages for WebSocket messages and a percentile row', async ({
  joinAs,
}) => {
  const room = uniqueRoom('latency');
  const page = await joinAs('ada', room, 'websocket');
  await expectClockKnown(page);
  const texts = ['first over ws', 'second over ws', 'third over ws'];
  for (const text of texts) {
    await say(page, text);
    await expect(line(page, text)).toBeVisible();
  }
  await openTab(page, 'Latency');

  const rows = page.getByRole('list', { name: 'Messages, stage by stage' }).getByRole('listitem');
  await expect(rows).toHaveCount(3);
  for (const [index] of texts.entries()) {
    const row = rows.nth(index);
    await expect(row).toHaveAttribute('data-transport', 'websocket');
    for (const stage of ['sent', 'server', 'written', 'page'])
      await expect(row.locator(`.stage-mark[data-stage="${stage}"]`)).toHaveCount(1);
    await expect(row).toHaveAttribute('aria-label', /sent at 0 .*server received .*written .*on page \+/);
  }

  const table = page.getByRole('table');
  const websocket = table.getByRole('row', { name: /^WebSocket/ });
  await expect(websocket).toBeVisible();
  await expect(websocket.getByRole('cell').first()).toHaveText('3');
  await expect(
    page.getByRole('list', { name: /Overhead per transport/ }).getByRole('listitem'),
  ).not.toHaveCount(0);

  // Keyboard: a row takes focus and highlights its message.
  await rows.first().focus();
  await expect(rows.first()).toHaveAttribute('data-highlighted', 'true');
  await expectPresenterZoom(page, 'Messages, stage by stage');
});
