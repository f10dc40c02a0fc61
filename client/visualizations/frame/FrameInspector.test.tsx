import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FrameInspector } from './FrameInspector.tsx';
import { type FixtureName, fixture } from './fixtures.ts';

/** Text as React escapes it in markup. */
const visible = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

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
    ['wsDeflateServerText', null],
    ['wsDeflate101', null],
    ['wsBinary', null],
    ['wsServerClose4001', null],
    ['tcpCloseNoCloseFrame', null],
  ];
  for (const [name, field] of cases) {
    it(`renders ${name}`, async () => {
      await expect(render(name, field)).toMatchFileSnapshot(`__snapshots__/${name}.html`);
    });
  }
});

describe('FrameInspector golden file: a message in three frames', () => {
  it('renders the first, continuation and last frame with links between them', async () => {
    const names = ['wsFragmentFirst', 'wsFragmentMiddle', 'wsFragmentLast'] as const;
    const frames = names.map((name) => ({
      eventSeq: fixture(name).eventSeq,
      fragment: fixture(name).ws?.fragment ?? 0,
    }));
    const html = names
      .map((name) =>
        renderToStaticMarkup(
          <FrameInspector event={fixture(name)} messageFrames={frames} onSelectEvent={() => {}} />,
        ),
      )
      .join('\n');
    await expect(`${html.replace(/></g, '>\n<')}\n`).toMatchFileSnapshot('__snapshots__/wsFragments.html');
  });
});

describe('FrameInspector content', () => {
  it('shows a compressed frame beside its inflated message, and what the 101 agreed', () => {
    const event = fixture('wsDeflateServerText');
    const html = renderToStaticMarkup(<FrameInspector event={event} />);
    expect(html).toContain('RSV1 1 (compressed)');
    expect(html).toMatch(/Compressed text message: \d+ bytes on the wire, \d+ bytes inflated/);
    expect(html).toContain('Agreed in the 101: Sec-WebSocket-Extensions: permessage-deflate');
    expect(html).toContain('Context takeover on');
    expect(html).toContain('Window: 2^15 = 32 KiB');
    expect(html).toContain(visible(event.wsMessage?.text ?? 'missing'));
    expect(html).toMatch(/DEFLATE blocks: (fixed|dynamic) Huffman → \d+ bytes, stored → 0 bytes/);
    // The second, same text: context takeover makes it a few bytes.
    const again = fixture('wsDeflateServerTextAgain');
    expect(again.ws?.payloadLength ?? 0).toBeLessThan((event.ws?.payloadLength ?? 0) / 2);
  });

  it('says where a fragment stands, and the last frame shows the whole message', () => {
    expect(renderToStaticMarkup(<FrameInspector event={fixture('wsFragmentFirst')} />)).toContain(
      'Frame 1 of a fragmented message: FIN 0, so more frames follow as continuations (opcode 0).',
    );
    const last = renderToStaticMarkup(<FrameInspector event={fixture('wsFragmentLast')} />);
    expect(last).toContain('One text message reassembled from 3 frames');
    expect(last).toContain('split across three frames');
    expect(fixture('wsFragmentLast').messageSeqs).toEqual([12]);
  });

  it('names and explains close codes, and says 1006 when no Close frame was sent', () => {
    const close = renderToStaticMarkup(<FrameInspector event={fixture('wsServerClose4001')} />);
    expect(close).toContain('Close 4001: Private use (application)');
    expect(close).toContain('in Wirelab, the client read too slowly');
    expect(close).toContain('slow reader: resume from your cursor');
    const end = renderToStaticMarkup(<FrameInspector event={fixture('tcpCloseNoCloseFrame')} />);
    expect(end).toContain('No close frame from the server: the browser sees 1006 (Abnormal Closure)');
  });

  it('shows a binary payload as hex and, being UTF-8, as text', () => {
    const html = renderToStaticMarkup(<FrameInspector event={fixture('wsBinary')} />);
    expect(html).toContain('Binary payload');
    expect(html).toContain('Read as UTF-8');
    expect(html).toContain('7b 22 74 79 70 65');
  });

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
