import { describe, expect, it } from 'vitest';
import { exchangeOf, handshakeLayers, seqsIn } from './unit-details.ts';

const encode = (text: string) => new TextEncoder().encode(text);

describe('exchangeOf', () => {
  it.each([
    ['/api/rooms/lobby/poll?client=t1&name=a', 'polling'],
    ['/api/rooms/lobby/long-poll?client=t1&name=a', 'long-polling'],
    ['/api/rooms/lobby/sse?client=t1&name=a', 'sse'],
    ['/api/rooms/lobby/ws?client=t1&name=a', 'websocket'],
    ['/api/rooms/lobby/messages?client=t1', 'send'],
    ['/assets/index.js', 'other'],
  ])('%s is %s', (target, transport) => {
    expect(exchangeOf('GET', target).transport).toBe(transport);
  });

  it('takes the client id from the query and spots the inspector', () => {
    expect(exchangeOf('GET', '/api/inspect?client=t7')).toMatchObject({ client: 't7', isInspector: true });
    expect(exchangeOf('GET', '/api/rooms/r/sse?name=a').client).toBeNull();
  });
});

describe('seqsIn', () => {
  it('finds the seqs of messages and acks', () => {
    expect(
      seqsIn(encode('{"messages":[{"seq":4,"epoch":"e"},{"seq":5,"epoch":"e"}],"cursor":"e:5"}')),
    ).toEqual([4, 5]);
    expect(seqsIn(encode('{"type":"ack","id":"m1","seq":9,"cursor":"e:9"}'))).toEqual([9]);
  });

  it('is not fooled by chat text that spells a seq (quotes inside JSON strings are escaped)', () => {
    const body = JSON.stringify({ seq: 3, text: '"seq":99' });
    expect(seqsIn(encode(body))).toEqual([3]);
  });
});

describe('handshakeLayers', () => {
  it('recomputes the RFC 6455 example Accept and says it matches', () => {
    const line = 'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n';
    const layers = handshakeLayers('dGhlIHNhbXBsZSBub25jZQ==', [
      {
        name: 'Sec-WebSocket-Accept',
        value: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
        byteOffset: 40,
        byteLength: line.length,
      },
    ]);
    const fields = layers[0]?.fields ?? [];
    expect(fields.find((field) => field.name === 'SHA-1 digest')?.value).toBe(
      'b37a4f2cc0624f1690f64606cf385945b2bec4ea',
    );
    expect(fields.find((field) => field.name === 'Matches')?.value).toBe(true);
  });

  it('says so when the server answered with the wrong Accept', () => {
    const layers = handshakeLayers('dGhlIHNhbXBsZSBub25jZQ==', [
      { name: 'Sec-WebSocket-Accept', value: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', byteOffset: 0, byteLength: 10 },
    ]);
    expect(layers[0]?.fields.find((field) => field.name === 'Matches')?.value).toBe(false);
  });
});
