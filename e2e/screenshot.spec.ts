import { expect, line, say, test, uniqueRoom } from './chat-page.ts';

// A picture of the page for reviewing the layout by eye; not part of the regular run.
test.skip(!process.env.WIRELAB_SCREENSHOT, 'set WIRELAB_SCREENSHOT=path to take it');

test('screenshot of a joined chat', async ({ joinAs }) => {
  const room = uniqueRoom('demo');
  const ada = await joinAs('ada', room, 'websocket');
  const bob = await joinAs('bob', room, 'sse');
  await say(ada, 'Hi Bob! Which transport are you on?');
  await say(bob, 'Server-Sent Events: one long response, an event per message.');
  await say(ada, 'Mine is a WebSocket. <b>this stays text</b>');
  await say(bob, 'a secret just for you', 'ada');
  await expect(line(ada, 'a secret just for you')).toBeVisible();
  const path = process.env.WIRELAB_SCREENSHOT ?? '/tmp/wirelab-chat.png';
  await ada.screenshot({ path, fullPage: true });
  await ada.setViewportSize({ width: 900, height: 700 });
  await ada.screenshot({ path: path.replace(/\.png$/, '-narrow.png'), fullPage: true });
});
