/**
 * The frame inspector shows what the server captured, byte for byte: select a row in Events and the
 * inspector's FIN, opcode, MASK, payload length and masking key must equal the event this test reads from
 * its own inspector channel for the same tab, and the XOR unmasking must give back the JSON the page sent.
 */
import type { Locator, Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { InspectServerFrame, type WireEvent } from '../protocol/inspect.ts';
import { expect, line, say, test, uniqueRoom } from './chat-page.ts';

/** Our own reader of /api/inspect for the page's tab id: what the server captured, independent of the page. */
class CapturedEvents {
  readonly events: WireEvent[] = [];
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = InspectServerFrame.safeParse(JSON.parse(data.toString()));
      if (frame.success && frame.data.type === 'wire') this.events.push(frame.data);
    });
  }

  static async open(page: Page): Promise<CapturedEvents> {
    const client = (await page.locator('.client-id code').textContent()) ?? '';
    expect(client).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    const url = new URL(`/api/inspect?client=${encodeURIComponent(client)}`, page.url());
    url.protocol = 'ws:';
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new CapturedEvents(socket);
  }

  async byEventSeq(eventSeq: number): Promise<WireEvent> {
    await expect
      .poll(() => this.events.some((event) => event.eventSeq === eventSeq), {
        message: `event #${eventSeq} among ${this.events.map((event) => event.eventSeq).join(',')}`,
      })
      .toBe(true);
    const event = this.events.find((candidate) => candidate.eventSeq === eventSeq);
    if (!event) throw new Error(`event ${eventSeq} was not captured`);
    return event;
  }

  close(): void {
    this.socket.close();
  }
}

function eventsTable(page: Page): Locator {
  return page.getByRole('table', { name: /Recent wire events/ });
}

function inspector(page: Page): Locator {
  return page.getByRole('region', { name: 'Frame inspector' });
}

function fieldValue(page: Page, name: string): Locator {
  return inspector(page).locator(`li[data-field-name="${name}"] .field-value`).first();
}

async function selectRow(row: Locator): Promise<number> {
  await row.click();
  await expect(row).toHaveAttribute('aria-selected', 'true');
  return Number(await row.getAttribute('data-event-seq'));
}

test('a masked browser frame shows the captured FIN, opcode, MASK, length and key, and unmasks to the sent JSON', async ({
  joinAs,
}) => {
  const page = await joinAs('ada', uniqueRoom('frame-ws'), 'websocket');
  const captured = await CapturedEvents.open(page);
  try {
    await expect(inspector(page)).toContainText(
      'Select an arrow in the diagram, or a row in Events, to see its bytes',
    );
    // Long enough that the frame needs the 16-bit length form (payload len 126, then 2 more bytes).
    const text = `bytes on the wire ${Date.now()} ${'and a bit more '.repeat(6)}`;
    await say(page, text);
    await expect(line(page, text)).toBeVisible();

    await page.getByRole('tab', { name: 'Events' }).click();
    // The newest text frame the browser sent (a pong to the server's ping would be a ws-frame too).
    const row = eventsTable(page)
      .locator('tbody tr[data-unit="ws-frame"][data-dir="in"]')
      .filter({ hasText: 'text, masked' })
      .first();
    const eventSeq = await selectRow(row);
    const event = await captured.byEventSeq(eventSeq);
    const ws = event.ws;
    if (!ws) throw new Error('a ws-frame event without its frame summary');
    expect(ws).toMatchObject({ fin: true, opcode: 1, masked: true });
    expect(ws.maskingKey).toMatch(/^[0-9a-f]{8}$/);

    const shown = inspector(page).locator('.frame-inspector');
    await expect(shown).toHaveAttribute('data-event-seq', String(eventSeq));
    await expect(shown).toHaveAttribute('data-masking-key', ws.maskingKey ?? '');
    await expect(fieldValue(page, 'FIN')).toHaveText('1');
    await expect(fieldValue(page, 'Opcode')).toHaveText('1 (text)');
    await expect(fieldValue(page, 'MASK')).toHaveText('1');
    expect(ws.payloadLength).toBeGreaterThan(125);
    await expect(fieldValue(page, 'Payload length')).toHaveText('126');
    await expect(fieldValue(page, 'Extended payload length (16-bit)')).toHaveText(String(ws.payloadLength));
    await expect(fieldValue(page, 'Masking key')).toHaveText(ws.maskingKey ?? '');
    await expect(inspector(page).locator('.frame-summary')).toHaveText(
      `FIN 1 · opcode 1 (text) · MASK 1 · payload ${ws.payloadLength} bytes · masking key ${ws.maskingKey}`,
    );
    // The bit diagram reads the same bits, and the key's four bytes as four rows.
    const bits = inspector(page).locator('.bit-diagram');
    await expect(bits.locator('[data-field="FIN"] .bit-value')).toHaveText('1');
    await expect(bits.locator('[data-field="opcode"] .bit-caption')).toHaveText('opcode: 1 = text');
    await expect(bits.locator('[data-field="MASK"] .bit-value')).toHaveText('1');
    await expect(bits.locator('[data-field="payload len"] .bit-caption')).toHaveText('payload len: 126');
    const lengthBytes = ws.payloadLength.toString(16).padStart(4, '0').match(/../g) ?? [];
    for (const [index, byte] of lengthBytes.entries()) {
      await expect(bits.locator(`[data-field="extended length ${index + 1}/2"] .bit-caption`)).toHaveText(
        `extended length ${index + 1}/2: 0x${byte}`,
      );
    }
    const keyBytes = (ws.maskingKey ?? '').match(/../g) ?? [];
    for (const [index, byte] of keyBytes.entries()) {
      await expect(bits.locator(`[data-field="masking key ${index + 1}/4"] .bit-caption`)).toHaveText(
        `masking key ${index + 1}/4: 0x${byte}`,
      );
    }

    // XOR done in the page from the raw bytes equals the decoder's text, and is what the page sent.
    const unmasked = await inspector(page).getByTestId('unmasked-payload').textContent();
    const decoded = event.layers
      .flatMap((layer) => layer.fields)
      .find((f) => f.name === 'Unmasked payload (UTF-8 text)');
    expect(unmasked).toBe(decoded?.value);
    const sent: unknown = JSON.parse(unmasked ?? '');
    expect(sent).toMatchObject({ type: 'send', text });

    // Pointing at a field lights its bytes in the grid and its bits in the diagram.
    await inspector(page).locator('li[data-field-name="Masking key"] button').hover();
    await expect(inspector(page).locator('.hex-highlight rect')).toHaveCount(2);
    await expect(bits.locator('.bit-segment[data-active="true"]')).toHaveCount(4);
    await expect(inspector(page).locator('.hex-readout')).toContainText('Masking key');

    // Keyboard: [ and ] walk the capture from inside the panel.
    await inspector(page).getByRole('button', { name: '← Previous' }).focus();
    await page.keyboard.press('[');
    await expect(shown).not.toHaveAttribute('data-event-seq', String(eventSeq));
    await page.keyboard.press(']');
    await expect(shown).toHaveAttribute('data-event-seq', String(eventSeq));
    // And Enter on a focused row selects it (located by its seq: new rows keep arriving on top).
    const newestSeq = await eventsTable(page).locator('tbody tr').first().getAttribute('data-event-seq');
    const newest = eventsTable(page).locator(`tbody tr[data-event-seq="${newestSeq}"]`);
    await newest.focus();
    await page.keyboard.press('Enter');
    await expect(newest).toHaveAttribute('aria-selected', 'true');
    await expect(shown).toHaveAttribute('data-event-seq', newestSeq ?? '');
  } finally {
    captured.close();
  }
});

test('an SSE event shows how EventSource dispatches it, and the response head its lines with byte counts', async ({
  joinAs,
}) => {
  const page = await joinAs('bea', uniqueRoom('frame-sse'), 'sse');
  const text = `over event-stream ${Date.now()}`;
  await say(page, text);
  await expect(line(page, text)).toBeVisible();
  const seq = await line(page, text).getAttribute('data-seq');

  await page.getByRole('tab', { name: 'Events' }).click();
  const eventRow = eventsTable(page).locator(`tbody tr[data-unit="sse-event"][data-seqs~="${seq}"]`).first();
  await selectRow(eventRow);
  const sse = inspector(page).getByRole('region', { name: 'How EventSource reads this' });
  await expect(sse.locator('.sse-sentence')).toContainText(
    'EventSource fires a "message" event: its data is the one data line, and onmessage receives it',
  );
  const data = await sse.locator('.sse-data').textContent();
  expect(JSON.parse(data ?? '')).toMatchObject({ seq: Number(seq), text });
  await expect(sse.locator('.sse-line').first()).toContainText(/^id: \S+:\d+$/);

  // The response head: its lines' byte counts add up to the bytes the server counted for the unit.
  const headRow = eventsTable(page).locator('tbody tr[data-unit="http-response"][data-path$="/sse"]').first();
  await selectRow(headRow);
  const byteLength = Number(await headRow.getByRole('cell').nth(5).textContent());
  expect(byteLength).toBeGreaterThan(0);
  const lines = inspector(page).getByRole('region', { name: 'Head lines' });
  await expect(lines.locator('h4')).toHaveText(`The head, line by line: ${byteLength} bytes`);
  await expect(lines.locator('.head-line').first()).toHaveText('HTTP/1.1 200 OK␍␊');
  const contentType = lines.locator('li', { hasText: /^content-type: text\/event-stream/i });
  await expect(contentType).toHaveCount(1);
  const counts = await lines.locator('.head-bytes').allTextContents();
  const total = counts.reduce((sum, count) => sum + Number.parseInt(count, 10), 0);
  expect(total).toBe(byteLength);
});
