/** Page helpers for the chat specs: they use only what a user (or a screen reader) can find. */
import { type BrowserContext, test as base, expect, type Locator, type Page } from '@playwright/test';
import type { TransportKind } from '../protocol/messages.ts';

export const TRANSPORT_LABELS: Readonly<Record<TransportKind, string>> = {
  polling: 'Polling',
  'long-polling': 'Long polling',
  sse: 'Server-Sent Events',
  websocket: 'WebSocket',
};

export function uniqueRoom(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`.slice(0, 64);
}

export function chatLog(page: Page): Locator {
  return page.getByRole('log', { name: 'Chat messages' });
}

export function connectionStatus(page: Page): Locator {
  return page.getByRole('status', { name: 'Connection status' });
}

export async function expectConnected(page: Page, transport: TransportKind): Promise<void> {
  await expect(connectionStatus(page)).toHaveText(`Connected via ${TRANSPORT_LABELS[transport]}.`);
}

export async function chooseTransport(page: Page, transport: TransportKind): Promise<void> {
  await page.getByRole('radio', { name: TRANSPORT_LABELS[transport], exact: true }).check();
}

export type JoinAs = (name: string, room: string, transport: TransportKind) => Promise<Page>;

/**
 * `joinAs` opens one browser context per user (its own sessionStorage, so its own tab id) and closes
 * them all when the test ends, so no poller or socket outlives its test.
 */
export const test = base.extend<{ joinAs: JoinAs }>({
  joinAs: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (name, room, transport) => {
      const context = await browser.newContext();
      contexts.push(context);
      return joinInContext(context, name, room, transport);
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
});

export { expect };

async function joinInContext(
  context: BrowserContext,
  name: string,
  room: string,
  transport: TransportKind,
): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    throw new Error(`unexpected dialog: ${dialog.message()}`);
  });
  await page.goto('/');
  await chooseTransport(page, transport);
  await page.getByLabel('Your name', { exact: true }).fill(name);
  await page.getByLabel('Room', { exact: true }).fill(room);
  await page.getByRole('button', { name: 'Join' }).click();
  await expectConnected(page, transport);
  return page;
}

export async function say(page: Page, text: string, to?: string): Promise<void> {
  const privateTo = page.getByLabel('Private to', { exact: true });
  await privateTo.fill(to ?? '');
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByLabel('Message', { exact: true })).toHaveValue('');
}

/** The log line holding exactly this chat text. */
export function line(page: Page, text: string): Locator {
  return chatLog(page)
    .locator('li')
    .filter({ has: page.locator('.text', { hasText: text }) });
}

export async function seqsIn(page: Page): Promise<string[]> {
  return chatLog(page)
    .locator('li')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-seq') ?? ''));
}
