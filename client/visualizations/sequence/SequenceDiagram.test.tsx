import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../../protocol/inspect.ts';
import { FIXTURE_START_MS, fixtureMessages, longPollingTrace, sseTrace, websocketTrace } from './fixtures.ts';
import { layoutSequence } from './layout.ts';
import { SequenceDiagram } from './SequenceDiagram.tsx';
import { followWindow } from './time-window.ts';

/** One element per line, so a golden diff points at the element that changed. */
function render(events: WireEvent[], highlightedMessageSeq: number | null = null): string {
  const window = followWindow(events);
  if (!window) throw new Error('fixture has no events');
  const layout = layoutSequence({
    events,
    messages: fixtureMessages,
    me: 'ada',
    window,
    width: 640,
    height: 420,
    originMs: FIXTURE_START_MS,
  });
  const markup = renderToStaticMarkup(
    <SequenceDiagram
      layout={layout}
      selectedEventSeq={events[4]?.eventSeq ?? null}
      highlightedMessageSeq={highlightedMessageSeq}
      animateAfterSeq={Number.POSITIVE_INFINITY}
      enterMs={400}
      summary="Sequence diagram of a fixture"
    />,
  );
  return `${markup.replaceAll('><', '>\n<')}\n`;
}

describe('SequenceDiagram', () => {
  it('draws a WebSocket session: upgrade, frames both ways, ping/pong', async () => {
    await expect(render(websocketTrace, 7)).toMatchFileSnapshot('__snapshots__/websocket.svg.snap');
  });

  it('draws a long-polling session: holds, keep-alive reuse, a send', async () => {
    await expect(render(longPollingTrace, 12)).toMatchFileSnapshot('__snapshots__/long-polling.svg.snap');
  });

  it('draws an SSE session: two streams and the reconnect gap between them', async () => {
    await expect(render(sseTrace)).toMatchFileSnapshot('__snapshots__/sse.svg.snap');
  });

  it('gives every arrow its unit, direction, seqs and an accessible name', () => {
    const markup = render(websocketTrace);
    const arrows = markup.match(/<g class="seq-arrow [^>]*>/g) ?? [];
    expect(arrows).toHaveLength(websocketTrace.length);
    for (const arrow of arrows) {
      expect(arrow).toMatch(/data-unit="[a-z-]+"/);
      expect(arrow).toMatch(/data-dir="(in|out)"/);
      expect(arrow).toMatch(/data-seqs="[0-9 ]*"/);
      expect(arrow).toMatch(/role="button" tabindex="0" aria-label="[^"]+"/);
    }
    expect(markup).toContain(
      'aria-label="WebSocket frame, browser to server, text, masked, 27 bytes, connection 1"',
    );
  });

  it('renders chat text from decoded values as text, never as markup', () => {
    const [first] = websocketTrace;
    if (!first) throw new Error('fixture changed');
    const hostile: WireEvent = {
      ...first,
      unit: 'http-request',
      path: '/api/rooms/x/<img src=x onerror=alert(1)>',
    };
    const markup = render([hostile]);
    expect(markup).not.toContain('<img');
    expect(markup).toContain('&lt;img');
  });
});
