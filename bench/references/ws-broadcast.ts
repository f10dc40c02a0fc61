/**
 * Reference: a bare `ws` broadcast server, the example from ws's README with our frames. Every text
 * frame `{ type: "send", id, from?, text }` becomes a message broadcast to every client (encoded once),
 * then an ack to its sender; a new client gets a `resume` frame first, as ours does.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { serveControl } from '../control.ts';
import { parseSendBody, ReferenceRoom } from './message.ts';

const room = new ReferenceRoom();
const server = createServer((_request, response) => response.writeHead(404).end());
const wss = new WebSocketServer({ server });

wss.on('connection', (socket) => {
  socket.send(JSON.stringify({ type: 'resume', recovered: true, cursor: room.cursor }));
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const body = parseSendBody(String(data));
    if (!body) return;
    const message = room.commit(body);
    const frame = JSON.stringify({ type: 'message', message });
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(frame);
    }
    socket.send(JSON.stringify({ type: 'ack', id: body.id, seq: message.seq, cursor: message.cursor }));
  });
});

server.listen(0, '127.0.0.1', () => {
  serveControl({
    port: (server.address() as AddressInfo).port,
    subscribers: () => wss.clients.size,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      server.close();
    },
  });
});
