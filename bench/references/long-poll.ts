/**
 * Reference: a `node:http` long-poll server. GET /long-poll?since=<cursor> answers at once when a newer
 * message exists, otherwise holds the response until the next publish, which answers every held poll
 * with one body encoded once. GET /poll answers the current cursor. POST /publish commits and fans out.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveControl } from '../control.ts';
import { parseSendBody, type ReferenceMessage, ReferenceRoom, readBody } from './message.ts';

/** Messages kept for polls that come back behind the head. */
const HISTORY_LIMIT = 1000;

const room = new ReferenceRoom();
const history: ReferenceMessage[] = [];
const held = new Set<ServerResponse>();

function answer(response: ServerResponse, body: string): void {
  response
    .writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(body),
    })
    .end(body);
}

function pollBody(messages: ReferenceMessage[]): string {
  return JSON.stringify({ messages, cursor: room.cursor, recovered: true });
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://reference');
  if (request.method === 'GET' && url.pathname === '/poll') {
    answer(response, pollBody([]));
    return;
  }
  if (request.method === 'GET' && url.pathname === '/long-poll') {
    const sinceSeq = Number(url.searchParams.get('since')?.split(':')[1] ?? room.seq);
    if (sinceSeq < room.seq) {
      answer(response, pollBody(history.filter((message) => message.seq > sinceSeq)));
      return;
    }
    held.add(response);
    response.once('close', () => held.delete(response));
    return;
  }
  if (request.method === 'POST' && url.pathname === '/publish') {
    void readBody(request).then((text) => {
      const body = parseSendBody(text);
      if (!body) {
        response.writeHead(400).end();
        return;
      }
      const message = room.commit(body);
      history.push(message);
      if (history.length > HISTORY_LIMIT) history.shift();
      const encoded = pollBody([message]);
      const waiting = [...held];
      held.clear();
      for (const poll of waiting) answer(poll, encoded);
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
    subscribers: () => held.size,
    close: async () => {
      for (const poll of held) answer(poll, pollBody([]));
      server.closeAllConnections();
      server.close();
    },
  });
});
