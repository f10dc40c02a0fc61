import { constants, createDeflateRaw, type DeflateRaw } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { negotiatedDeflate } from './ws-deflate.ts';
import { decodeWsFrames, type WsFrame } from './ws-frame.ts';
import { messageLayers } from './ws-message-layers.ts';
import { type WsFramePlace, WsMessageStream } from './ws-message-stream.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An unmasked server frame (RFC 6455 5.2), 7- or 16-bit length. */
function frameBytes(opts: { fin: boolean; rsv1?: boolean; opcode: number; payload: Uint8Array }): Uint8Array {
  const { payload } = opts;
  const head = [(opts.fin ? 0x80 : 0) | (opts.rsv1 ? 0x40 : 0) | opts.opcode];
  if (payload.length < 126) head.push(payload.length);
  else head.push(126, payload.length >> 8, payload.length & 0xff);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** RFC 7692 7.2.1: compress, sync flush, drop the trailing 00 00 ff ff. */
function compress(deflate: DeflateRaw, message: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    deflate.on('data', onData);
    deflate.write(message);
    deflate.flush(constants.Z_SYNC_FLUSH, () => {
      deflate.off('data', onData);
      resolve(new Uint8Array(Buffer.concat(chunks).subarray(0, -4)));
    });
  });
}

function run(bytes: Uint8Array, deflate: boolean, contextTakeover = true) {
  const decoded = decodeWsFrames(bytes, {
    sender: 'server',
    permessageDeflate: deflate,
    maxKeptPayloadBytes: 1 << 20,
  });
  expect(decoded.error).toBeNull();
  const stream = new WsMessageStream({
    deflate: deflate ? { contextTakeover, windowBits: 15 } : null,
    maxKeptBytes: 1 << 20,
  });
  return decoded.frames.map((frame) => ({ frame, place: stream.push(frame) }));
}

describe('WsMessageStream: fragments (RFC 6455 5.4)', () => {
  it('gives each data frame its message and place; the last frame carries the joined message', () => {
    const json = '{"type":"message","message":{"seq":123,"text":"héllo"}}';
    const bytes = encoder.encode(json);
    // Cut inside the seq number and inside the two-byte é, with a ping in between.
    const cutA = json.indexOf('12') + 1;
    const cutB = json.indexOf('é') + 1;
    const frames = run(
      concat([
        frameBytes({ fin: false, opcode: 1, payload: bytes.subarray(0, cutA) }),
        frameBytes({ fin: true, opcode: 9, payload: encoder.encode('hb') }),
        frameBytes({ fin: false, opcode: 0, payload: bytes.subarray(cutA, cutB) }),
        frameBytes({ fin: true, opcode: 0, payload: bytes.subarray(cutB) }),
        frameBytes({ fin: true, opcode: 2, payload: encoder.encode('bin') }),
      ]),
      false,
    );
    expect(frames.map(({ place }) => place && [place.messageIndex, place.fragment])).toEqual([
      [0, 1],
      null,
      [0, 2],
      [0, 3],
      [1, 1],
    ]);
    const message = frames[3]?.place?.message;
    expect(message).toMatchObject({ opcode: 1, frameIndexes: [0, 2, 3], compressed: false, text: json });
    expect(message?.wireLength).toBe(bytes.length);
    expect(frames[4]?.place?.message).toMatchObject({ opcode: 2, opcodeName: 'binary', text: 'bin' });
    const [frame, place] = [frames[3]?.frame, frames[3]?.place] as [WsFrame, WsFramePlace];
    const [layer] = messageLayers(frame, place, null);
    expect(layer?.name).toBe('Reassembled message');
    expect(layer?.fields.map((field) => [field.name, field.value])).toEqual([
      ['Fragment', '3 of 3 (last)'],
      ['Reassembled message (UTF-8 text)', json],
    ]);
    expect(messageLayers(frames[4]?.frame as WsFrame, frames[4]?.place as WsFramePlace, null)).toEqual([]);
  });

  it('binary bytes that are not UTF-8 have no text', () => {
    const [only] = run(frameBytes({ fin: true, opcode: 2, payload: Uint8Array.of(0xff, 0x00, 0xc3) }), false);
    expect(only?.place?.message).toMatchObject({ opcode: 2, text: null });
  });
});

describe('WsMessageStream: permessage-deflate (RFC 7692)', () => {
  it('inflates compressed messages, fragmented or not, sharing the window in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.string({ maxLength: 300 }), fc.integer({ min: 0, max: 4 })), {
          minLength: 1,
          maxLength: 6,
        }),
        async (messages) => {
          const deflate = createDeflateRaw();
          const wire: Uint8Array[] = [];
          for (const [text, pieces] of messages) {
            const compressed = await compress(deflate, encoder.encode(text));
            // Split the compressed bytes into frames; RSV1 only on the first (RFC 7692 6.1).
            const size = Math.max(1, Math.ceil(compressed.length / (pieces + 1)));
            let at = 0;
            do {
              const payload = compressed.subarray(at, at + size);
              const last = at + size >= compressed.length;
              wire.push(frameBytes({ fin: last, rsv1: at === 0, opcode: at === 0 ? 1 : 0, payload }));
              at += size;
            } while (at < compressed.length);
          }
          deflate.close();
          const done = run(concat(wire), true).flatMap(({ place }) =>
            place?.message ? [place.message] : [],
          );
          expect(done.map((message) => message.text)).toEqual(messages.map(([text]) => text));
          expect(done.every((message) => message.compressed && message.error === null)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('says so when the window is lost: a message not fully captured cannot be inflated, nor those after it', async () => {
    const deflate = createDeflateRaw();
    const first = await compress(deflate, encoder.encode('x'.repeat(3000) + Math.random()));
    const second = await compress(deflate, encoder.encode('x'.repeat(3000)));
    deflate.close();
    expect(second.length).toBeLessThan(first.length - 1);
    const decoded = decodeWsFrames(
      concat([
        frameBytes({ fin: true, rsv1: true, opcode: 1, payload: first }),
        frameBytes({ fin: true, rsv1: true, opcode: 1, payload: second }),
      ]),
      { sender: 'server', permessageDeflate: true, maxKeptPayloadBytes: first.length - 1 },
    );
    const stream = new WsMessageStream({
      deflate: { contextTakeover: true, windowBits: 15 },
      maxKeptBytes: 100,
    });
    const [a, b] = decoded.frames.map((frame) => stream.push(frame)?.message);
    expect(a?.error?.code).toBe('INFLATE_ERR_NOT_CAPTURED');
    expect(b?.error?.code).toBe('INFLATE_ERR_CONTEXT_LOST');
  });

  it('layers say what was compressed and what it inflated to', async () => {
    const deflate = createDeflateRaw();
    const compressed = await compress(deflate, encoder.encode('hello hello hello hello'));
    deflate.close();
    const [only] = run(frameBytes({ fin: true, rsv1: true, opcode: 1, payload: compressed }), true);
    const layers = messageLayers(only?.frame as WsFrame, only?.place as WsFramePlace, {
      contextTakeover: true,
      windowBits: 15,
    });
    expect(layers[0]?.name).toBe('permessage-deflate message');
    const fields = Object.fromEntries(layers[0]?.fields.map((field) => [field.name, field.value]) ?? []);
    expect(fields['Inflated message (UTF-8 text)']).toBe('hello hello hello hello');
    expect(fields['DEFLATE blocks']).toMatch(/Huffman → 23 B, stored → 0 B$/);
    expect(decoder.decode(only?.place?.message?.wireData)).not.toContain('hello hello');
  });
});

describe('negotiatedDeflate (RFC 7692 7.1)', () => {
  it('reads the server answer per direction', () => {
    expect(
      negotiatedDeflate('permessage-deflate; client_max_window_bits=10; server_no_context_takeover'),
    ).toEqual({
      header: 'permessage-deflate; client_max_window_bits=10; server_no_context_takeover',
      server: { contextTakeover: false, windowBits: 15 },
      client: { contextTakeover: true, windowBits: 10 },
    });
    expect(negotiatedDeflate(undefined)).toBeNull();
    expect(negotiatedDeflate('x-webkit-deflate-frame')).toBeNull();
  });
});
