import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../protocol/messages.ts';
import { FIXTURE_CLOCK, FIXTURE_EVENTS, FIXTURE_MESSAGES, FIXTURE_RECEIVED } from './fixture-trace.ts';
import { LatencyTimeline } from './LatencyTimeline.tsx';
import type { TimeScaleKind } from './layout.ts';
import { buildLatencyReport } from './report.ts';

/** One element per line, so a golden diff points at the element that changed. */
function render(scale: TimeScaleKind, messages: readonly ChatMessage[] = FIXTURE_MESSAGES): string {
  const report = buildLatencyReport({
    events: FIXTURE_EVENTS,
    messages,
    receivedAtMs: FIXTURE_RECEIVED,
    clock: FIXTURE_CLOCK,
  });
  const markup = renderToStaticMarkup(<LatencyTimeline report={report} scale={scale} highlightedSeq={9} />);
  return `${markup.replaceAll('><', '>\n<')}\n`;
}

describe('LatencyTimeline', () => {
  it('draws the fixed trace on a log axis', async () => {
    await expect(render('log')).toMatchFileSnapshot('__snapshots__/latency-log.html.snap');
  });

  it('draws the fixed trace on a linear axis', async () => {
    await expect(render('linear')).toMatchFileSnapshot('__snapshots__/latency-linear.html.snap');
  });

  it('gives every message row an accessible name with its stages, and four marks to our own sends', () => {
    const markup = render('log');
    const rows = markup.match(/<g class="latency-row"[^>]*>/g) ?? [];
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain(
      'aria-label="Message 7 from ann via WebSocket: sent at 0 ± 0.40 ms, server received +0.50 ms, written +1.7 ms, on page +2.5 ms ± 0.40 ms"',
    );
    expect(rows[2]).toContain('data-highlighted="true"');
    const firstRow = markup.slice(markup.indexOf(rows[0] ?? ''), markup.indexOf(rows[1] ?? ''));
    expect(firstRow.match(/class="stage-mark"/g)).toHaveLength(4);
  });

  it('shows a percentile row per transport that delivered', () => {
    const markup = render('log');
    expect(markup.match(/<tr data-transport="[a-z-]+">/g)).toEqual([
      '<tr data-transport="polling">',
      '<tr data-transport="long-polling">',
      '<tr data-transport="sse">',
      '<tr data-transport="websocket">',
    ]);
  });

  it('renders chat names as text, never as markup', () => {
    const hostile = FIXTURE_MESSAGES.map((message) =>
      message.seq === 8 ? { ...message, from: '<img src=x onerror=alert(1)>' } : message,
    );
    const markup = render('log', hostile);
    expect(markup).not.toContain('<img');
    expect(markup).toContain('&lt;img');
  });

  it('says what to do when there is nothing to draw yet', () => {
    const report = buildLatencyReport({ events: [], messages: [], receivedAtMs: new Map(), clock: null });
    const markup = renderToStaticMarkup(
      <LatencyTimeline report={report} scale="log" highlightedSeq={null} />,
    );
    expect(markup).toContain('No chat messages yet');
    expect(markup).not.toContain('<svg class="activity-strip"');
  });
});
