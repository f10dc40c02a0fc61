import { WebSocket } from 'ws';
import { expect, line, test, uniqueRoom } from './chat-page.ts';

test('debug', async ({ joinAs }) => {
  const room = uniqueRoom('dbg');
  const page = await joinAs('ann', room, 'websocket');
  const url = new URL(`/api/rooms/${room}/ws?client=c1&name=bo`, page.url());
  url.protocol = 'ws:';
  const socket = new WebSocket(url);
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'send', id: 'm1', text: 'bo says 1' }));
  await expect(line(page, 'bo says 1')).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Presenter theme' }).click();
  await page.waitForTimeout(1000);
  console.log(
    await page.locator('svg[data-diagram="sequence"]').evaluate((svg) => {
      const laneX = (id: string) => svg.querySelector(`g[data-lane="${id}"] line`)?.getAttribute('x1');
      const out = [laneX('browser'), laneX('server'), (svg as SVGSVGElement).width.baseVal.value];
      for (const text of svg.querySelectorAll<SVGTextElement>('g.seq-arrow text.seq-arrow-label')) {
        const b = text.getBBox();
        out.push(
          `${text.textContent} ${b.x.toFixed(1)}..${(b.x + b.width).toFixed(1)} fs=${getComputedStyle(text).fontSize}`,
        );
      }
      return out;
    }),
  );
  await page.locator('svg[data-diagram="sequence"]').screenshot({ path: '/tmp/shots/dbg.png' });
  socket.close();
});
