/**
 * The sequence diagram draws what crossed the wire: per transport, join, send, and find the arrows that
 * transport must have produced (by data-unit and data-dir), the sent message's seq on a server → browser
 * arrow; pause freezes the diagram while chat goes on; an exported trace imported again draws the same.
 */
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { WebSocket } from 'ws';
import type { WireUnit } from '../protocol/inspect.ts';
import { TRANSPORT_KINDS, type TransportKind } from '../protocol/messages.ts';
import { parseTrace } from '../protocol/trace.ts';
import { expect, line, say, test, uniqueRoom } from './chat-page.ts';

function diagram(page: Page): Locator {
  return page.locator('svg[data-diagram="sequence"]');
}

interface ArrowQuery {
  unit: WireUnit;
  dir?: 'in' | 'out';
  opcode?: number;
}

function arrows(page: Page, query?: ArrowQuery): Locator {
  const selector = query
    ? [
        `[data-unit="${query.unit}"]`,
        query.dir ? `[data-dir="${query.dir}"]` : '',
        query.opcode === undefined ? '' : `[data-opcode="${query.opcode}"]`,
      ].join('')
    : '[data-unit]';
  return diagram(page).locator(`g.seq-arrow${selector}`);
}

/** What each transport must have drawn after a join and one sent message. */
const EXPECTED: Readonly<Record<TransportKind, readonly ArrowQuery[]>> = {
  polling: [{ unit: 'tcp-open' }, { unit: 'http-request', dir: 'in' }, { unit: 'http-response', dir: 'out' }],
  'long-polling': [
    { unit: 'tcp-open' },
    { unit: 'http-request', dir: 'in' },
    { unit: 'http-response', dir: 'out' },
  ],
  sse: [
    { unit: 'tcp-open' },
    { unit: 'http-request', dir: 'in' },
    { unit: 'http-response', dir: 'out' },
    { unit: 'sse-event', dir: 'out' },
  ],
  websocket: [
    { unit: 'tcp-open' },
    { unit: 'ws-handshake', dir: 'in' },
    { unit: 'ws-handshake', dir: 'out' },
    { unit: 'ws-frame', dir: 'in' },
    { unit: 'ws-frame', dir: 'out' },
    // The e2e server pings every 2 s (WS_PING_INTERVAL_MS in playwright.config.ts); the browser answers.
    { unit: 'ws-frame', dir: 'out', opcode: 9 },
    { unit: 'ws-frame', dir: 'in', opcode: 10 },
  ],
};

/** The shapes beside the arrows that make each transport recognisable. */
const EXPECTED_SHAPE: Readonly<Record<TransportKind, string | null>> = {
  polling: null,
  'long-polling': 'g.seq-hold',
  sse: 'g.seq-channel-sse',
  websocket: 'g.seq-channel-websocket',
};

interface DrawnArrow {
  eventSeq: string;
  unit: string;
  dir: string;
  seqs: string;
}

async function drawnArrows(page: Page): Promise<DrawnArrow[]> {
  return arrows(page).evaluateAll((elements) =>
    elements.map((element) => ({
      eventSeq: element.getAttribute('data-event-seq') ?? '',
      unit: element.getAttribute('data-unit') ?? '',
      dir: element.getAttribute('data-dir') ?? '',
      seqs: element.getAttribute('data-seqs') ?? '',
    })),
  );
}

async function sentSeq(page: Page, text: string): Promise<string> {
  await expect(line(page, text)).toBeVisible();
  const seq = await line(page, text).getAttribute('data-seq');
  expect(seq).toMatch(/^[0-9]+$/);
  return seq ?? '';
}

for (const transport of TRANSPORT_KINDS) {
  test(`the sequence diagram draws what ${transport} put on the wire`, async ({ joinAs }) => {
    const page = await joinAs('dora', uniqueRoom(`diagram-${transport}`), transport);
    const text = `draw me over ${transport}`;
    await say(page, text);
    const seq = await sentSeq(page, text);

    await expect(diagram(page)).toBeVisible();
    for (const query of EXPECTED[transport]) {
      await expect(arrows(page, query).first(), JSON.stringify(query)).toBeAttached({ timeout: 15_000 });
    }
    const shape = EXPECTED_SHAPE[transport];
    if (shape) await expect(diagram(page).locator(shape).first()).toBeAttached();

    // The server sent the message back to this tab: a server → browser arrow carries its seq.
    const carrier = diagram(page).locator(`g.seq-arrow[data-dir="out"][data-seqs~="${seq}"]`).first();
    await expect(carrier).toBeAttached();
    await expect(carrier).toHaveAttribute('aria-label', /server to browser/);
    await expect(carrier).toHaveAttribute('tabindex', '0');

    // Chat → wire: the row's toggle highlights every arrow that carried the message.
    await line(page, text)
      .getByRole('button', { name: `Show message ${seq} on the wire` })
      .click();
    await expect(carrier).toHaveAttribute('data-highlighted', 'true');
    // Wire → chat: selecting the arrow marks the chat rows it carried.
    await carrier.focus();
    await page.keyboard.press('Enter');
    await expect(carrier).toHaveAttribute('aria-pressed', 'true');
    await expect(line(page, text)).toHaveClass(/is-carried/);
    // A mouse click selects too, even with the time axis listening for drags.
    const opener = arrows(page, { unit: 'tcp-open' }).first();
    await opener.click();
    await expect(opener).toHaveAttribute('aria-pressed', 'true');
    await expect(carrier).toHaveAttribute('aria-pressed', 'false');
  });
}

/** Another user in the room over a plain `ws` client, who sends `count` messages at once. */
async function flood(page: Page, room: string, name: string, count: number): Promise<WebSocket> {
  const clientId = `${name.replace(/[^A-Za-z0-9_-]/g, '_')}-tab`;
  const url = new URL(
    `/api/rooms/${room}/ws?client=${clientId}&name=${encodeURIComponent(name)}`,
    page.url(),
  );
  url.protocol = 'ws:';
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  for (let index = 1; index <= count; index++) {
    socket.send(JSON.stringify({ type: 'send', id: `${clientId}-${index}`, text: `${name} says ${index}` }));
  }
  return socket;
}

/** The unit count chip of one unit type, as the page shows it. */
async function unitCount(page: Page, unit: WireUnit): Promise<number> {
  const chip = page
    .getByRole('list', { name: 'Captured units by type' })
    .locator(`li[data-unit="${unit}"] .unit-count`);
  return Number(await chip.textContent());
}

/** Units the diagram draws: its arrows, and the units each burst counts. */
async function unitsDrawn(page: Page): Promise<number> {
  const arrowCount = await arrows(page).count();
  const burstUnits = await diagram(page)
    .locator('g.seq-burst')
    .evaluateAll((elements) => elements.map((element) => Number(element.getAttribute('data-units'))));
  return arrowCount + burstUnits.reduce((sum, units) => sum + units, 0);
}

/**
 * Units captured for this tab (the unit counts) and units the diagram draws, read in one go: both come
 * from the same refresh of the wire views, which a read in two steps could straddle.
 */
function capturedAndDrawn(page: Page): Promise<{ captured: number; drawn: number }> {
  return page.evaluate(() => {
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    const svg = document.querySelector('svg[data-diagram="sequence"]');
    const counts = [...document.querySelectorAll('.unit-counts .unit-count')];
    return {
      captured: sum(counts.map((element) => Number(element.textContent))),
      drawn:
        (svg?.querySelectorAll('g.seq-arrow[data-unit]').length ?? 0) +
        sum(
          [...(svg?.querySelectorAll('g.seq-burst') ?? [])].map((element) =>
            Number(element.getAttribute('data-units')),
          ),
        ),
    };
  });
}

test('a flood is drawn as bursts that count every unit; choosing one zooms in on it', async ({ joinAs }) => {
  const room = uniqueRoom('diagram-burst');
  const page = await joinAs('zed', room, 'websocket');
  await say(page, 'before the flood');
  await sentSeq(page, 'before the flood');
  // Six senders at the server's burst allowance (20 each): more units than the diagram has rows.
  const senders = await Promise.all(
    ['ann', 'ben', 'cal', 'dot', 'eve', 'fay'].map((name) => flood(page, room, name, 20)),
  );
  try {
    await expect(line(page, 'fay says 20')).toBeVisible();
    const bursts = diagram(page).locator('g.seq-burst');
    await expect(bursts.first()).toBeAttached();

    // No unit is left out: the diagram's arrows and bursts add up to every unit captured for this tab.
    await expect
      .poll(async () => {
        const { captured, drawn } = await capturedAndDrawn(page);
        return { moreThanTheFlood: captured > 120, drawnLessCaptured: drawn - captured };
      })
      .toEqual({ moreThanTheFlood: true, drawnLessCaptured: 0 });
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(page.getByText(/^Paused at event [0-9]+$/)).toBeVisible();

    // The biggest burst opens its own slice of time, where its units spread out: into finer bursts while
    // they are still more than the rows, then one arrow each (frames written together share a time, and
    // the narrowest window draws its newest units one by one and counts the rest in a burst above).
    const delivered = arrows(page, { unit: 'ws-frame', dir: 'out' });
    for (let depth = 0; depth < 5; depth++) {
      const sizes = await bursts.evaluateAll((elements) =>
        elements.map((element) => ({
          units: Number(element.getAttribute('data-units')),
          spanMs: Number(element.getAttribute('data-span-ms')),
        })),
      );
      const biggest = sizes.reduce((best, size) => (size.units > best.units ? size : best));
      const chosen = bursts.nth(sizes.indexOf(biggest));
      await expect(chosen).toHaveAttribute('aria-label', new RegExp(`^Burst of ${biggest.units} wire units`));
      await chosen.focus();
      await page.keyboard.press('Enter');
      await expect(page.getByText('Fixed window')).toBeVisible();
      await expect.poll(() => unitsDrawn(page)).toBeGreaterThanOrEqual(biggest.units);
      // Finer bursts, until the window is as narrow as it gets: there the newest units are drawn one by one.
      if ((await delivered.count()) > 0) break;
      const finer = await bursts.evaluateAll((elements) =>
        elements.map((element) => Number(element.getAttribute('data-span-ms'))),
      );
      for (const spanMs of finer) expect(spanMs).toBeLessThan(biggest.spanMs);
    }
    await expect(delivered.first()).toBeAttached();
  } finally {
    for (const socket of senders) socket.close();
  }
});

/** Each lane's texts as drawn: their real boxes in the SVG, by lane. */
function laneTextBoxes(
  page: Page,
): Promise<Array<{ lane: string; text: string; left: number; right: number }>> {
  return diagram(page)
    .locator('g.seq-lane text')
    .evaluateAll((elements) =>
      elements.map((element) => {
        const box = (element as SVGTextElement).getBBox();
        return {
          lane: element.parentElement?.getAttribute('data-lane') ?? '',
          text: element.textContent ?? '',
          left: box.x,
          right: box.x + box.width,
        };
      }),
    );
}

/**
 * Arrow and relay labels that run past the lifelines they sit between, as drawn (real text boxes): an
 * arrow's label must lie between this browser's and the server's lifelines, a relay's right of the server's.
 */
function labelsOverLifelines(page: Page): Promise<{ labelled: boolean; over: string[] }> {
  return diagram(page).evaluate((svg) => {
    const laneX = (id: string) => Number(svg.querySelector(`g[data-lane="${id}"] line`)?.getAttribute('x1'));
    const [browserX, serverX] = [laneX('browser'), laneX('server')];
    const width = (svg as SVGSVGElement).width.baseVal.value;
    const over: string[] = [];
    const check = (selector: string, left: number, right: number) => {
      for (const text of svg.querySelectorAll<SVGTextElement>(selector)) {
        const box = text.getBBox();
        if (box.x < left || box.x + box.width > right) over.push(text.textContent ?? '');
      }
    };
    check('g.seq-arrow text.seq-arrow-label', browserX, serverX);
    check('g.seq-relay text', serverX, width);
    // Rows too close for labels draw none: then there is nothing to check.
    return { labelled: svg.querySelector('text.seq-arrow-label') !== null, over };
  });
}

test("lane names never run into each other, in either theme; a cut name shows whole in the lane's tooltip", async ({
  joinAs,
}) => {
  const room = uniqueRoom('diagram-lanes');
  const page = await joinAs('ann', room, 'websocket');
  // Wide letters and a long name first (lanes go in order of first message), then more than get a lane.
  const long = 'Maximilian Wolfgang Müller';
  const names = [long, 'bo', 'cy', 'WMWM'];
  const senders: WebSocket[] = [];
  try {
    for (const name of names) {
      senders.push(await flood(page, room, name, 1));
      await expect(line(page, `${name} says 1`)).toBeVisible();
    }
    // Frozen once the last message is drawn, so the heartbeats coming in cannot crowd the rows until their
    // labels go.
    const lastSeq = await sentSeq(page, `${names.at(-1)} says 1`);
    await expect(
      diagram(page).locator(`g.seq-arrow[data-dir="out"][data-seqs~="${lastSeq}"]`),
    ).toBeAttached();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(page.getByText(/^Paused at event [0-9]+$/)).toBeVisible();
    const width = await diagram(page).evaluate((svg) => (svg as SVGSVGElement).width.baseVal.value);
    for (const theme of ['normal', 'presenter']) {
      if (theme === 'presenter') await page.getByRole('button', { name: 'Presenter theme' }).click();
      await expect(diagram(page).locator('g.seq-lane-participant').first()).toBeAttached();
      const boxes = await laneTextBoxes(page);
      const lanes = [...new Set(boxes.map((box) => box.lane))];
      const extents = lanes.map((lane) => {
        const own = boxes.filter((box) => box.lane === lane);
        return {
          lane,
          left: Math.min(...own.map((box) => box.left)),
          right: Math.max(...own.map((box) => box.right)),
        };
      });
      extents.sort((a, b) => a.left - b.left);
      for (const [index, extent] of extents.entries()) {
        expect(extent.left, `${theme}: ${extent.lane} inside`).toBeGreaterThanOrEqual(0);
        expect(extent.right, `${theme}: ${extent.lane} inside`).toBeLessThanOrEqual(width);
        const next = extents[index + 1];
        if (next)
          expect(extent.right, `${theme}: ${extent.lane} clear of ${next.lane}`).toBeLessThan(next.left);
      }
      await expect.poll(() => labelsOverLifelines(page), theme).toEqual({ labelled: true, over: [] });
    }
    // In the normal theme the long name has a lane of its own, cut, and whole in its tooltip.
    await page.getByRole('button', { name: 'Presenter theme' }).click();
    const longLane = diagram(page).locator(`g[data-lane="participant:${long}"]`);
    await expect(longLane.locator('text.seq-lane-label')).toHaveText(/^Max.*…$/);
    await expect(longLane.locator('title')).toHaveText(`${long} (browser)`);
    // A phone, or a narrow window on a projector: arrow labels give up their sizes, or more, rather than
    // run across the lifelines.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => diagram(page).evaluate((svg) => (svg as SVGSVGElement).width.baseVal.value))
      .toBeLessThan(400);
    await expect.poll(() => labelsOverLifelines(page)).toEqual({ labelled: true, over: [] });
    await page.getByRole('button', { name: 'Presenter theme' }).click();
    await expect.poll(() => labelsOverLifelines(page)).toEqual({ labelled: true, over: [] });
  } finally {
    for (const socket of senders) socket.close();
  }
});

test('pause freezes the diagram while chat goes on; resume catches up', async ({ joinAs }) => {
  const page = await joinAs('pia', uniqueRoom('diagram-pause'), 'websocket');
  await say(page, 'before the pause');
  await sentSeq(page, 'before the pause');
  await expect(arrows(page, { unit: 'ws-frame', dir: 'in' }).first()).toBeAttached();

  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByText(/^Paused at event [0-9]+$/)).toBeVisible();
  const frozen = await drawnArrows(page);
  const frozenFrames = await unitCount(page, 'ws-frame');

  await say(page, 'while paused');
  const seq = await sentSeq(page, 'while paused');
  // The unit counts stop with the diagram, and say what came after the pause point.
  await expect(page.locator('.unit-counts-later')).toHaveText(/^\+[0-9]+ after this point$/);
  // Give the capture time to reach the page: the diagram must still not move.
  await page.waitForTimeout(1_000);
  expect(await drawnArrows(page)).toEqual(frozen);
  await expect(diagram(page).locator(`g.seq-arrow[data-seqs~="${seq}"]`)).toHaveCount(0);
  expect(await unitCount(page, 'ws-frame')).toBe(frozenFrames);

  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(
    diagram(page).locator(`g.seq-arrow[data-dir="out"][data-seqs~="${seq}"]`).first(),
  ).toBeAttached();
  expect((await drawnArrows(page)).length).toBeGreaterThan(frozen.length);
  await expect(page.locator('.unit-counts-later')).toHaveCount(0);
  expect(await unitCount(page, 'ws-frame')).toBeGreaterThan(frozenFrames);
});

test('an exported trace imported again draws the same diagram', async ({ joinAs }, testInfo) => {
  const page = await joinAs('ivy', uniqueRoom('diagram-trace'), 'sse');
  await say(page, 'keep this for later');
  await sentSeq(page, 'keep this for later');
  await expect(arrows(page, { unit: 'sse-event', dir: 'out' }).first()).toBeAttached();
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const live = await drawnArrows(page);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export trace' }).click();
  const tracePath = testInfo.outputPath('trace.json');
  await (await download).saveAs(tracePath);
  const parsed = parseTrace(await readFile(tracePath, 'utf8'));
  if (!parsed.ok) throw new Error(`the exported trace does not parse: ${parsed.message}`);
  const { trace } = parsed;
  // Live again, more units come in: the replay's counts must be the trace's, not the live capture's.
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await say(page, 'after the export');
  const laterSeq = await sentSeq(page, 'after the export');
  await expect(
    diagram(page).locator(`g.seq-arrow[data-unit="sse-event"][data-seqs~="${laterSeq}"]`),
  ).toBeAttached();

  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import trace' }).click();
  await (await chooser).setFiles(tracePath);
  await expect(page.getByRole('button', { name: 'Back to live' })).toBeVisible();

  // The replay draws exactly the trace's units, in time order, with the same attributes.
  const expected = [...trace.events]
    .sort((a, b) => a.atMs - b.atMs || a.eventSeq - b.eventSeq)
    .map((event) => ({
      eventSeq: String(event.eventSeq),
      unit: event.unit,
      dir: event.dir,
      seqs: event.messageSeqs.join(' '),
    }));
  await expect.poll(() => drawnArrows(page)).toEqual(expected);
  // Everything the paused live diagram showed is in the replay, unchanged.
  const replayed = await drawnArrows(page);
  for (const arrow of live) expect(replayed).toContainEqual(arrow);
  // The unit counts are the trace's.
  for (const unit of ['sse-event', 'http-request'] as const) {
    const inTrace = trace.events.filter((event) => event.unit === unit).length;
    expect(inTrace).toBeGreaterThan(0);
    await expect.poll(() => unitCount(page, unit)).toBe(inTrace);
  }

  // The diagram itself saves as a standalone SVG.
  const svgDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export SVG' }).click();
  const svgPath = testInfo.outputPath('diagram.svg');
  await (await svgDownload).saveAs(svgPath);
  const svg = await readFile(svgPath, 'utf8');
  expect(svg).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain('data-unit="sse-event"');

  // A file that is not a trace says so, and the replay stays.
  const badChooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import trace' }).click();
  await (await badChooser).setFiles({
    name: 'notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from('nope'),
  });
  await expect(page.getByRole('alert')).toHaveText(/^Could not import notes\.json: not JSON/);

  await page.getByRole('button', { name: 'Back to live' }).click();
  await expect(page.getByRole('button', { name: 'Back to live' })).toHaveCount(0);
});
