/**
 * `npm run screenshots`: build the page, start the real server on a free port, chat in one room as two
 * users (one on WebSocket, one on Server-Sent Events) in Chromium, and save the README's screenshots
 * (1280×800) to docs/screenshots/. The server and the browser are stopped however this ends.
 */
import { mkdir } from 'node:fs/promises';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from '@playwright/test';
import { CHROMIUM_LAUNCH, exitOnSignals, PROJECT_ROOT, startRealServer, viteBuild } from './real-server.ts';

const OUT_DIR = `${PROJECT_ROOT}docs/screenshots`;
const VIEWPORT = { width: 1280, height: 800 } as const;
/** How long a step may wait for the page (naive polling in the race answers within a 2 s interval). */
const STEP_TIMEOUT_MS = 15_000;

type Transport = 'websocket' | 'sse';
const TRANSPORT_LABELS: Readonly<Record<Transport, string>> = {
  websocket: 'WebSocket',
  sse: 'Server-Sent Events',
};

async function waitFor(locator: Locator, state: 'visible' | 'attached' = 'visible'): Promise<void> {
  await locator.waitFor({ state, timeout: STEP_TIMEOUT_MS });
}

function chatLine(page: Page, text: string): Locator {
  return page
    .getByRole('log', { name: 'Chat messages' })
    .locator('li')
    .filter({ has: page.locator('.text', { hasText: text }) });
}

async function joinAs(
  context: BrowserContext,
  baseUrl: string,
  name: string,
  room: string,
  transport: Transport,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.getByRole('radio', { name: TRANSPORT_LABELS[transport], exact: true }).check();
  await page.getByLabel('Your name', { exact: true }).fill(name);
  await page.getByLabel('Room', { exact: true }).fill(room);
  await page.getByRole('button', { name: 'Join' }).click();
  await waitFor(
    page
      .getByRole('status', { name: 'Connection status' })
      .filter({ hasText: `Connected via ${TRANSPORT_LABELS[transport]}.` }),
  );
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await waitFor(chatLine(page, text));
}

async function openTab(page: Page, label: string): Promise<void> {
  await page.getByRole('tab', { name: label, exact: true }).click();
}

async function shoot(page: Page, file: string): Promise<void> {
  // Let the last animation frame's flush and any transition settle before the capture.
  await page.waitForTimeout(500);
  const path = `${OUT_DIR}/${file}`;
  await page.screenshot({ path });
  console.log(`saved ${path}`);
}

/**
 * Scrolls `scroller` (on wide screens the wire view and its tab panel scroll on their own) so `target` is
 * at its top; the page itself stays at the top.
 */
async function scrollTo(page: Page, scroller: string, target: string): Promise<void> {
  await page.evaluate(
    ([scrollerSelector, targetSelector]) => {
      window.scrollTo(0, 0);
      const container = document.querySelector(scrollerSelector);
      const element = document.querySelector(targetSelector);
      if (!container || !element) throw new Error(`no ${targetSelector} in ${scrollerSelector}`);
      container.scrollTop += element.getBoundingClientRect().top - container.getBoundingClientRect().top - 12;
    },
    [scroller, target] as const,
  );
}

async function takeScreenshots(browser: Browser, baseUrl: string): Promise<void> {
  const room = 'screenshots';
  const adaContext = await browser.newContext({ viewport: VIEWPORT });
  const bobContext = await browser.newContext({ viewport: VIEWPORT });
  const ada = await joinAs(adaContext, baseUrl, 'ada', room, 'websocket');
  const bob = await joinAs(bobContext, baseUrl, 'bob', room, 'sse');

  const conversation: ReadonlyArray<[Page, string]> = [
    [ada, 'Hi Bob, I am on a WebSocket.'],
    [bob, 'Hi Ada, Server-Sent Events here: my sends are POSTs.'],
    [ada, 'Then my frames are masked and yours are not even frames.'],
    [bob, 'Open the frame inspector and show me the XOR.'],
  ];
  for (const [page, text] of conversation) {
    await say(page, text);
    await waitFor(chatLine(page === ada ? bob : ada, text));
  }

  // 1. The chat with the sequence diagram, from each side.
  const diagram = ada.locator('svg[data-diagram="sequence"]');
  await waitFor(diagram.locator('g.seq-arrow[data-unit="ws-frame"][data-dir="in"]').first(), 'attached');
  await waitFor(
    bob.locator('svg[data-diagram="sequence"] g.seq-arrow[data-unit="sse-event"]').first(),
    'attached',
  );
  await shoot(ada, 'chat-sequence-diagram.png');
  await shoot(bob, 'chat-sequence-diagram-sse.png');

  // 2. The latency tab.
  await openTab(ada, 'Latency');
  await waitFor(ada.locator('.latency-panel svg').first());
  await shoot(ada, 'latency.png');

  // 3. The presenter theme on the sequence diagram (before the race, whose receivers would add lanes).
  await openTab(ada, 'Sequence diagram');
  const presenter = ada.getByRole('button', { name: 'Presenter theme' });
  await presenter.click();
  await scrollTo(ada, '.wire-view', '.wire-tabs');
  await shoot(ada, 'presenter-theme.png');
  // The theme is remembered in localStorage: switch it off for the shots that follow.
  await presenter.click();
  await scrollTo(ada, '.wire-view', '.wire-view');

  // 4. The race tab after one race.
  await openTab(ada, 'Race');
  await ada.getByRole('button', { name: 'Start race' }).click();
  await waitFor(ada.getByRole('status', { name: 'Race status' }).filter({ hasText: /^Done:/ }));
  // The tab panel scrolls inside the wire view: bring the result and its lanes into view.
  await scrollTo(ada, '.wire-tab-panel', '.race-status');
  await shoot(ada, 'race.png');

  // 5. The frame inspector on a masked browser → server text frame (ada's first chat message), picked in
  // the Events tab: last, because an open inspector takes the wire view's height from the tabs above it.
  await openTab(ada, 'Events');
  const maskedRow = ada
    .locator('tr.wire-row[data-unit="ws-frame"][data-dir="in"]')
    .filter({ hasText: 'text, masked' })
    .last();
  await waitFor(maskedRow);
  await maskedRow.click();
  await waitFor(ada.locator('.frame-inspector'));
  await scrollTo(ada, '.wire-view', '.frame-panel');
  await shoot(ada, 'frame-inspector-masked.png');

  // 6. Interview practice on bob's side: the blocked-upgrade demo run, with its outline open, beside the
  // diagram of the refused upgrade and the SSE stream Auto fell back to.
  const practice = bob.locator('details.rehearse-panel');
  await practice.locator('summary', { hasText: 'Interview practice' }).click();
  const blocked = practice.locator('li[data-question="upgrade-blocked"]');
  await waitFor(blocked);
  await blocked.getByText('Outline of an answer').click();
  await blocked.getByRole('button', { name: 'Show it on the wire' }).click();
  await waitFor(blocked.getByRole('status'));
  await waitFor(bob.getByRole('status', { name: 'Connection status' }).filter({ hasText: 'picked by Auto' }));
  // The refused upgrade, selected: the frame inspector shows the 403 the page itself never sees.
  const refusal = bob
    .locator('svg[data-diagram="sequence"] g.seq-arrow[data-unit="http-response"][data-dir="out"]')
    .and(bob.locator('[aria-label*=", 403,"]'))
    .last();
  await waitFor(refusal, 'attached');
  // By keyboard, as the diagram allows: a click waits for the arrow to be on screen, and a burst of rows
  // arriving can keep it moving.
  await refusal.focus();
  await refusal.press('Enter');
  await waitFor(bob.locator('.frame-inspector'));
  await scrollTo(bob, '.wire-view', '.frame-panel');
  await scrollTo(bob, '.chat-column', '.rehearse-panel');
  // The question's end (the last outline points, the demo and what to watch) at the bottom of its panel.
  await bob.evaluate(() => {
    const body = document.querySelector('.rehearse-body');
    const question = document.querySelector('li[data-question="upgrade-blocked"]');
    if (!body || !question) throw new Error('no upgrade-blocked question in the practice panel');
    body.scrollTop += question.getBoundingClientRect().bottom - body.getBoundingClientRect().bottom;
  });
  await shoot(bob, 'interview-practice.png');

  await adaContext.close();
  await bobContext.close();
}

async function main(): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  await viteBuild();
  const server = await startRealServer({ STATIC_DIR: 'dist/client' });
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch(CHROMIUM_LAUNCH);
    await takeScreenshots(browser, server.url);
  } finally {
    await browser?.close();
    await server.stop();
  }
}

exitOnSignals();
main().catch((error: unknown) => {
  console.error('screenshots failed:', error);
  process.exitCode = 1;
});
