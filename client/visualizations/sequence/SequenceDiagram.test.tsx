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

  it('draws a flood as bursts, each a button that names its count, and counts every unit once', () => {
    const frame = websocketTrace[4];
    if (!frame) throw new Error('fixture changed');
    const flood = Array.from({ length: 600 }, (_, index) => ({
      ...frame,
      eventSeq: index + 1,
      dir: index % 3 === 0 ? ('in' as const) : ('out' as const),
      atMs: FIXTURE_START_MS + index * 2,
    }));
    const markup = render(flood);
    const bursts = markup.match(/<g class="seq-burst[^>]*>/g) ?? [];
    const arrows = markup.match(/<g class="seq-arrow [^>]*>/g) ?? [];
    expect(bursts.length).toBeGreaterThan(1);
    const units = bursts.map((burst) => Number(/data-units="(\d+)"/.exec(burst)?.[1]));
    expect(units.reduce((sum, count) => sum + count, 0) + arrows.length).toBe(600);
    for (const burst of bursts) {
      expect(burst).toMatch(
        /role="button" tabindex="0" aria-label="Burst of \d+ wire units within [^"]+ Enter zooms in/,
      );
    }
    expect(markup).not.toContain('not drawn');
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
