/** Page helpers for the lab and fallback specs, on top of chat-page.ts: the lab panel, Auto, the wire. */
import type { Locator, Page } from '@playwright/test';
import { expect, line } from './chat-page.ts';

export function labPanel(page: Page): Locator {
  return page.locator('details.lab-panel');
}

/** Opens the Network lab and waits until it shows the server's settings. */
export async function openLab(page: Page): Promise<Locator> {
  const panel = labPanel(page);
  if ((await panel.getAttribute('open')) === null) await panel.locator('summary').click();
  await expect(panel.getByRole('status', { name: 'Lab settings on the server' })).toHaveText(
    /^The server holds/,
  );
  return panel;
}

/** Ticks a lab checkbox and waits for the server's answer to hold it. */
export async function labCheck(page: Page, label: string): Promise<void> {
  const panel = await openLab(page);
  await panel.getByLabel(label, { exact: true }).check();
  await expect(panel.getByRole('status', { name: 'Lab settings on the server' })).toContainText(label);
}

/** Types a number into a lab field and applies it with Enter. */
export async function labNumber(page: Page, label: string, value: number): Promise<void> {
  const panel = await openLab(page);
  const field = panel.getByLabel(label, { exact: true });
  await field.fill(String(value));
  await field.press('Enter');
  await expect(panel.getByRole('status', { name: 'Lab settings on the server' })).toContainText(
    `${label} = ${value}`,
  );
}

/** Joins from the page as it is (transport already picked), without expecting a particular status. */
export async function joinHere(page: Page, name: string, room: string): Promise<void> {
  await page.getByLabel('Your name', { exact: true }).fill(name);
  await page.getByLabel('Room', { exact: true }).fill(room);
  await page.getByRole('button', { name: 'Join' }).click();
}

export function diagramArrows(page: Page, selector = ''): Locator {
  return page.locator(`svg[data-diagram="sequence"] g.seq-arrow${selector}`);
}

export function eventsTable(page: Page): Locator {
  return page.getByRole('table', { name: /Recent wire events/ });
}

export function inspector(page: Page): Locator {
  return page.getByRole('region', { name: 'Frame inspector' });
}

export function dropLine(page: Page): Locator {
  return page.locator('.status-line [data-detail="drops"]');
}

/** The seq of the chat line holding this text, once it is on the page. */
export async function seqOf(page: Page, text: string): Promise<string> {
  await expect(line(page, text)).toBeVisible();
  const seq = await line(page, text).getAttribute('data-seq');
  expect(seq).toMatch(/^[0-9]+$/);
  return seq ?? '';
}

/**
 * Selects, among the server → browser frames that carried `seq` (its ack carries it too), the one whose
 * joined message is the chat message itself, and returns that message's title and JSON as shown, and the
 * opcode the inspector read from the frame.
 */
export async function inspectMessageFrame(
  page: Page,
  seq: string,
): Promise<{ title: string; json: unknown; opcode: string | null }> {
  await page.getByRole('tab', { name: 'Events' }).click();
  const rows = eventsTable(page).locator(
    `tbody tr[data-unit="ws-frame"][data-dir="out"][data-seqs~="${seq}"]`,
  );
  await expect(rows.first()).toBeAttached();
  const frame = inspector(page).locator('.frame-inspector');
  const message = inspector(page).getByRole('region', { name: 'The message' });
  const eventSeqs = await rows.evaluateAll((elements) =>
    elements.map((e) => e.getAttribute('data-event-seq')),
  );
  for (const eventSeq of eventSeqs) {
    await eventsTable(page).locator(`tbody tr[data-event-seq="${eventSeq}"]`).click();
    await expect(frame).toHaveAttribute('data-event-seq', eventSeq ?? '');
    // A fragment before the last shows a "Fragment" section instead: only the last joins the message.
    if ((await message.count()) === 0) continue;
    const json: unknown = JSON.parse((await message.locator('.ws-message-text').last().textContent()) ?? '');
    if (typeof json === 'object' && json !== null && 'type' in json && json.type === 'message')
      return {
        title: (await message.locator('h4').textContent()) ?? '',
        json,
        opcode: await frame.getAttribute('data-opcode'),
      };
  }
  throw new Error(`no frame carrying message ${seq} shows the message`);
}

/** "Reset all to defaults", and waits until the server says it holds nothing for this tab. */
export async function labResetAll(page: Page): Promise<void> {
  const panel = await openLab(page);
  await panel.getByRole('button', { name: 'Reset all to defaults' }).click();
  await expect(panel.getByRole('status', { name: 'Lab settings on the server' })).toHaveText(
    'The server holds no faults for this tab: everything is at its default.',
  );
}

/** One row of the Events table, as the learner reads it. */
export interface WireRow {
  eventSeq: number;
  /** The Time column: ms since the first event the page saw, by the server clock. */
  timeMs: number;
  unit: string;
  dir: string;
  transport: string;
  path: string | null;
  seqs: string[];
  detail: string;
}

/** The Events table (its newest rows), oldest first. */
export async function wireRows(page: Page): Promise<WireRow[]> {
  await page.getByRole('tab', { name: 'Events' }).click();
  await expect(eventsTable(page)).toBeVisible();
  const rows = await eventsTable(page)
    .locator('tbody tr')
    .evaluateAll((elements) =>
      elements.map((row) => ({
        eventSeq: Number(row.getAttribute('data-event-seq')),
        timeMs: Number(row.querySelector('td')?.textContent),
        unit: row.getAttribute('data-unit') ?? '',
        dir: row.getAttribute('data-dir') ?? '',
        transport: row.getAttribute('data-transport') ?? '',
        path: row.getAttribute('data-path'),
        seqs: (row.getAttribute('data-seqs') ?? '').split(' ').filter((seq) => seq !== ''),
        detail: row.querySelector('td.detail')?.textContent ?? '',
      })),
    );
  return rows.reverse();
}

/** Selects an Events row and waits until the frame inspector shows it. */
export async function inspectRow(page: Page, eventSeq: number): Promise<Locator> {
  await page.getByRole('tab', { name: 'Events' }).click();
  await eventsTable(page).locator(`tbody tr[data-event-seq="${eventSeq}"]`).click();
  await expect(inspector(page).locator('.frame-inspector')).toHaveAttribute(
    'data-event-seq',
    String(eventSeq),
  );
  return inspector(page);
}
