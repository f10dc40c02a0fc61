import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FrameInspector } from './FrameInspector.tsx';
import { type FixtureName, fixture } from './fixtures.ts';

/** One element per line, so a golden diff points at the element that changed. */
function render(name: FixtureName, initialField: `${number}.${number}` | null = null): string {
  const html = renderToStaticMarkup(<FrameInspector event={fixture(name)} initialField={initialField} />);
  return `${html.replace(/></g, '>\n<')}\n`;
}

describe('FrameInspector golden files (captured events)', () => {
  const cases: [FixtureName, `${number}.${number}` | null][] = [
    ['wsClientText', '0.7'],
    ['wsServerText', null],
    ['wsPing', null],
    ['wsClientClose', '1.1'],
    ['sseResume', null],
    ['httpResponseSse', null],
    ['wsHandshake101', null],
  ];
  for (const [name, field] of cases) {
    it(`renders ${name}`, async () => {
      await expect(render(name, field)).toMatchFileSnapshot(`__snapshots__/${name}.html`);
    });
  }
});

describe('FrameInspector content', () => {
  it('shows the masked frame fields exactly as captured', () => {
    const event = fixture('wsClientText');
    const html = renderToStaticMarkup(<FrameInspector event={event} />);
    expect(html).toContain('data-fin="1"');
    expect(html).toContain('data-opcode="1"');
    expect(html).toContain('data-masked="1"');
    expect(html).toContain(`data-payload-length="${event.ws?.payloadLength}"`);
    expect(html).toContain(`data-masking-key="${event.ws?.maskingKey}"`);
    expect(html).toContain('FIN 1 · opcode 1 (text) · MASK 1 · payload 61 bytes · masking key c11e9039');
    // The bidi override in the chat text is shown as a tag in the unmasked payload, never applied.
    expect(html).toContain('hello, wire ⟨RLO⟩evil⟨PDI⟩ ✓');
    expect(html).not.toContain('\u202e');
    expect(html).toContain('masking key 1/4: 0xc1');
  });

  it('says when a unit was truncated and offers the rest in pages', () => {
    const html = renderToStaticMarkup(<FrameInspector event={fixture('wsClientTextTruncated')} />);
    expect(html).toContain('Truncated: the server kept the first 4096 of 5043 bytes of this unit.');
    expect(html).toContain('Show the next 1024 bytes (showing 1024 of 4096 captured)');
    expect(html).toContain('extended length 1/2: 0x13');
  });

  it('shows the SSE dispatch, HTTP head byte counts and the Accept proof', () => {
    expect(renderToStaticMarkup(<FrameInspector event={fixture('sseResume')} />)).toContain(
      'EventSource fires a &quot;resume&quot; event',
    );
    const head = renderToStaticMarkup(<FrameInspector event={fixture('httpResponseSse')} />);
    expect(head).toContain('The head, line by line: 218 bytes');
    expect(head).toContain('HTTP/1.1 200 OK␍␊');
    const upgrade = renderToStaticMarkup(
      <FrameInspector event={fixture('wsHandshake101')} context={fixture('wsHandshakeRequest')} />,
    );
    expect(upgrade).toContain('✓ Matches');
    expect(upgrade).toContain('It answers the upgrade request of event #2 (GET /api/rooms/fixtures/ws).');
  });

  it('explains a unit without bytes', () => {
    const open = {
      ...fixture('wsPing'),
      unit: 'tcp-open' as const,
      byteLength: 0,
      bytesBase64: '',
      layers: [],
    };
    expect(renderToStaticMarkup(<FrameInspector event={open} />)).toContain('No payload bytes');
  });
});
