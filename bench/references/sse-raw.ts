/**
 * Reference: a raw `node:http` SSE server. GET /sse writes `retry:` and a `resume` event, then every
 * published message as `id:` + one `data:` line, straight to the ServerResponse (encoded once per
 * message). POST /publish commits a message and fans it out before it answers.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveControl } from '../control.ts';
import { parseSendBody, ReferenceRoom, readBody } from './message.ts';

const room = new ReferenceRoom();
const streams = new Set<ServerResponse>();

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url?.startsWith('/sse')) {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    });
    response.write('retry: 1000\n\n');
    response.write(
      `event: resume\nid: ${room.cursor}\ndata: ${JSON.stringify({ recovered: true, cursor: room.cursor })}\n\n`,
    );
    streams.add(response);
    response.once('close', () => streams.delete(response));
    return;
  }
  if (request.method === 'POST' && request.url?.startsWith('/publish')) {
    void readBody(request).then((text) => {
      const body = parseSendBody(text);
      if (!body) {
        response.writeHead(400).end();
        return;
      }
      const message = room.commit(body);
      const event = `id: ${message.cursor}\ndata: ${JSON.stringify(message)}\n\n`;
      for (const stream of streams) stream.write(event);
      response
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ seq: message.seq, epoch: message.epoch, cursor: message.cursor }));
    });
    return;
  }
  response.writeHead(404).end();
});

server.listen(0, '127.0.0.1', () => {
  serveControl({
    port: (server.address() as AddressInfo).port,
    subscribers: () => streams.size,
    close: async () => {
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      server.close();
    },
  });
});
