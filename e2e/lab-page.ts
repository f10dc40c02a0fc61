/** Page helpers for the lab and fallback specs, on top of chat-page.ts: the lab panel, Auto, the wire. */
import type { Locator, Page } from '@playwright/test';
import { expect } from './chat-page.ts';

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
