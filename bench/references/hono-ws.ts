/**
 * Not a goal's reference but a floor: the smallest WebSocket broadcast server on Hono and
 * @hono/node-server's upgradeWebSocket (the stack ours is built on), with the bare `ws` reference's
 * frames. What it costs per connection over bare `ws` is the adapter's, not our code's.
 */
import type { AddressInfo } from 'node:net';
import { serve, upgradeWebSocket } from '@hono/node-server';
import { Hono } from 'hono';
import type { WSContext } from 'hono/ws';
import { WebSocketServer } from 'ws';
import { serveControl } from '../control.ts';
import { parseSendBody, ReferenceRoom } from './message.ts';

const room = new ReferenceRoom();
const sockets = new Set<WSContext>();
const app = new Hono();
app.get(
  '/ws',
  upgradeWebSocket(() => ({
    onOpen(_event, ws) {
      sockets.add(ws);
      ws.send(JSON.stringify({ type: 'resume', recovered: true, cursor: room.cursor }));
    },
    onMessage(event, ws) {
      const body = typeof event.data === 'string' ? parseSendBody(event.data) : null;
      if (!body) return;
      const message = room.commit(body);
      const frame = JSON.stringify({ type: 'message', message });
      for (const socket of sockets) socket.send(frame);
      ws.send(JSON.stringify({ type: 'ack', id: body.id, seq: message.seq, cursor: message.cursor }));
    },
    onClose(_event, ws) {
      sockets.delete(ws);
    },
  })),
);

const wss = new WebSocketServer({ noServer: true });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', websocket: { server: wss } }, () => {
  serveControl({
    port: (server.address() as AddressInfo).port,
    subscribers: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.close(1001, 'bench done');
      server.close();
    },
  });
});
