/**
 * The wire view shows what really crossed the wire: for each transport, join, send one message, and find
 * the units that transport must have produced in the live table, the sent message's seq among them, and
 * a finite clock offset.
 */
import type { Locator, Page } from '@playwright/test';
import type { WireUnit } from '../protocol/inspect.ts';
import { TRANSPORT_KINDS, type TransportKind } from '../protocol/messages.ts';
import { expect, line, say, test, uniqueRoom } from './chat-page.ts';

function wireTable(page: Page): Locator {
  return page.getByRole('table', { name: /Recent wire events/ });
}

interface RowQuery {
  unit: WireUnit;
  dir?: 'in' | 'out';
  transport?: string;
  /** The request path ends with this. */
  pathEnd?: string;
}

function rows(page: Page, query: RowQuery): Locator {
  const selector = [
    `[data-unit="${query.unit}"]`,
    query.dir ? `[data-dir="${query.dir}"]` : '',
    query.transport ? `[data-transport="${query.transport}"]` : '',
    query.pathEnd ? `[data-path$="${query.pathEnd}"]` : '',
  ].join('');
  return wireTable(page).locator(`tbody tr${selector}`);
}

/** What each transport must have put on the wire after a join and one sent message. */
const EXPECTED: Readonly<Record<TransportKind, readonly RowQuery[]>> = {
  polling: [
    { unit: 'http-request', dir: 'in', transport: 'polling', pathEnd: '/poll' },
    { unit: 'http-response', dir: 'out', transport: 'polling', pathEnd: '/poll' },
    { unit: 'http-request', dir: 'in', transport: 'send', pathEnd: '/messages' },
    { unit: 'http-response', dir: 'out', transport: 'send', pathEnd: '/messages' },
  ],
  'long-polling': [
    { unit: 'http-request', dir: 'in', transport: 'long-polling', pathEnd: '/long-poll' },
    { unit: 'http-response', dir: 'out', transport: 'long-polling', pathEnd: '/long-poll' },
    { unit: 'http-request', dir: 'in', transport: 'send', pathEnd: '/messages' },
  ],
  sse: [
    { unit: 'http-request', dir: 'in', transport: 'sse', pathEnd: '/sse' },
    { unit: 'http-response', dir: 'out', transport: 'sse', pathEnd: '/sse' },
    { unit: 'sse-event', dir: 'out', transport: 'sse' },
    { unit: 'http-request', dir: 'in', transport: 'send', pathEnd: '/messages' },
  ],
  websocket: [
    { unit: 'ws-handshake', transport: 'websocket' },
    { unit: 'ws-frame', dir: 'in', transport: 'websocket' },
    { unit: 'ws-frame', dir: 'out', transport: 'websocket' },
  ],
};

for (const transport of TRANSPORT_KINDS) {
  test(`the wire view shows what ${transport} put on the wire`, async ({ joinAs }) => {
    const room = uniqueRoom(`wire-${transport}`);
    const page = await joinAs('wendy', room, transport);
    const text = `watch the wire over ${transport}`;
    await say(page, text);
    await expect(line(page, text)).toBeVisible();
    const seq = await line(page, text).getAttribute('data-seq');
    expect(seq).toMatch(/^[0-9]+$/);

    await page.getByRole('tab', { name: 'Events' }).click();
    await expect(wireTable(page)).toBeVisible();
    for (const query of EXPECTED[transport]) {
      await expect(rows(page, query).first(), JSON.stringify(query)).toBeAttached();
    }
    // The server saw the message go out to this tab: some server → browser unit carried its seq.
    const carrier = wireTable(page).locator(`tbody tr[data-dir="out"][data-seqs~="${seq}"]`).first();
    await expect(carrier).toBeAttached();
    await expect(carrier.getByRole('cell').nth(1)).toHaveText('server → browser');

    const clock = page.getByText(/^Server clock is /);
    await expect(clock).toHaveText(
      /^Server clock is [+−][0-9]+\.[0-9]+ ms ± [0-9]+\.[0-9]+ ms from this page\.$/,
    );
    const offsetMs = Number(await clock.getAttribute('data-offset-ms'));
    expect(Number.isFinite(offsetMs)).toBe(true);
    // Page and server run on one machine here: their clocks agree far better than a second.
    expect(Math.abs(offsetMs)).toBeLessThan(1000);

    const counts = page.getByRole('list', { name: 'Captured units by type' });
    for (const query of EXPECTED[transport]) await expect(counts).toContainText(query.unit);
  });
}
