import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FIXTURE_RACE } from './fixture-race.ts';
import { RaceLanes } from './RaceLanes.tsx';
import { buildRace } from './race.ts';

function render(scale: 'log' | 'linear', input = FIXTURE_RACE): string {
  const markup = renderToStaticMarkup(<RaceLanes race={buildRace(input)} scale={scale} />);
  return `${markup.replaceAll('><', '>\n<')}\n`;
}

describe('RaceLanes', () => {
  it('draws the fixed race on a log axis', async () => {
    await expect(render('log')).toMatchFileSnapshot('__snapshots__/race-log.html.snap');
  });

  it('draws the fixed race on a linear axis', async () => {
    await expect(render('linear')).toMatchFileSnapshot('__snapshots__/race-linear.html.snap');
  });

  it('has four lanes, each with an arrival mark, a time and an accessible name', () => {
    const markup = render('log');
    const lanes = markup.match(/<g class="race-lane"[^>]*>/g) ?? [];
    expect(lanes).toHaveLength(4);
    expect(markup.match(/class="arrival-mark"/g)).toHaveLength(4);
    expect(markup.match(/class="arrival-time"/g)).toHaveLength(4);
    expect(lanes[3]).toContain('aria-label="WebSocket: 1st, arrived +4.2 ms after the send.');
    expect(markup).toContain('data-place="1"');
  });

  it('lists the why lines winner first', () => {
    const markup = render('log');
    const order = [...markup.matchAll(/<li data-transport="([a-z-]+)">/g)].map((match) => match[1]);
    expect(order).toEqual(['websocket', 'sse', 'long-polling', 'polling']);
  });
});
