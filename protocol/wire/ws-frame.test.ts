import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as wsModule from 'ws';
import { fromHex, toHex } from './bytes.ts';
import {
  decodeWsFrames,
  describeWsFrame,
  type WsFrame,
  WsFrameDecoder,
  type WsFrameDecoderOptions,
} from './ws-frame.ts';
import { reassembleMessages } from './ws-message.ts';

const snapshot = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function decodeInPieces(bytes: Uint8Array, cuts: number[], options: WsFrameDecoderOptions = {}) {
  const decoder = new WsFrameDecoder(options);
  const frames: WsFrame[] = [];
  const errors: string[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    const result = decoder.push(bytes.subarray(from, cut));
    frames.push(...result.frames);
    if (result.error) errors.push(result.error.code);
    from = cut;
  }
  return { frames, errors, pendingBytes: decoder.pendingBytes };
}

function only(bytes: Uint8Array, options: WsFrameDecoderOptions = {}): WsFrame {
  const result = decodeWsFrames(bytes, options);
  expect(result.error).toBeNull();
  expect(result.frames).toHaveLength(1);
  const [frame] = result.frames;
  if (!frame) throw new Error('no frame');
  return frame;
}

describe('RFC 6455 5.7 examples', () => {
  it('a single-frame unmasked text message', () => {
    const frame = only(fromHex('810548656c6c6f'));
    expect(frame).toMatchObject({
      fin: true,
      rsv1: false,
      opcode: 1,
      opcodeName: 'text',
      masked: false,
      maskingKey: null,
    });
    expect(frame).toMatchObject({
      payloadLength: 5,
      lengthForm: 7,
      headerLength: 2,
      byteLength: 7,
      text: 'Hello',
      errors: [],
    });
    expect(frame.maskedPayload).toBeNull();
  });

  it('a single-frame masked text message', () => {
    const frame = only(fromHex('818537fa213d7f9f4d5158'), { sender: 'client' });
    expect(frame).toMatchObject({
      masked: true,
      maskingKey: '37fa213d',
      text: 'Hello',
      headerLength: 6,
      errors: [],
    });
    expect(toHex(frame.maskedPayload ?? new Uint8Array(0), 99, '')).toBe('7f9f4d5158');
    expect(text(frame.payload)).toBe('Hello');
  });

  it('a fragmented unmasked text message, reassembled', () => {
    const { frames, error } = decodeWsFrames(fromHex('010348656c80026c6f'));
    expect(error).toBeNull();
    expect(frames.map((f) => [f.fin, f.opcodeName, f.text])).toEqual([
      [false, 'text', 'Hel'],
      [true, 'continuation', 'lo'],
    ]);
    expect(frames[1]?.messageOpcode).toBe(1);
    const { messages, incomplete, errors } = reassembleMessages(frames);
    expect(errors).toEqual([]);
    expect(incomplete).toBeNull();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      opcodeName: 'text',
      text: 'Hello',
      frameIndexes: [0, 1],
      byteLength: 9,
      payloadLength: 5,
    });
  });

  it('unmasked ping and masked pong', () => {
    expect(only(fromHex('890548656c6c6f'))).toMatchObject({
      opcodeName: 'ping',
      isControl: true,
      payloadLength: 5,
    });
    const pong = only(fromHex('8a8537fa213d7f9f4d5158'));
    expect(pong).toMatchObject({ opcodeName: 'pong', masked: true });
    expect(text(pong.payload)).toBe('Hello');
  });

  it('256 bytes binary in one unmasked frame (16-bit length)', () => {
    const payload = Uint8Array.from({ length: 256 }, (_, i) => i);
    const frame = only(new Uint8Array([...fromHex('827e0100'), ...payload]));
    expect(frame).toMatchObject({
      opcodeName: 'binary',
      lengthForm: 16,
      payloadLength: 256,
      headerLength: 4,
      truncated: false,
    });
    expect(frame.payload).toEqual(payload);
    expect(frame.layers[0]?.fields.find((f) => f.name.startsWith('Extended'))).toMatchObject({
      byteOffset: 2,
      byteLength: 2,
      value: 256,
    });
  });

  it('64 KiB binary in one unmasked frame (64-bit length), keeping 4096 bytes by default', () => {
    const payload = new Uint8Array(65536).fill(0x61);
    const frame = only(new Uint8Array([...fromHex('827f0000000000010000'), ...payload]));
    expect(frame).toMatchObject({
      lengthForm: 64,
      payloadLength: 65536,
      headerLength: 10,
      byteLength: 65546,
      truncated: true,
    });
    expect(frame.payload).toHaveLength(4096);
    expect(
      only(new Uint8Array([...fromHex('827f0000000000010000'), ...payload]), { maxKeptPayloadBytes: 1e6 })
        .payload,
    ).toEqual(payload);
  });
});

describe('close frames (RFC 6455 5.5.1, 7.4)', () => {
  it('code and reason with the code name', () => {
    const frame = only(new Uint8Array([0x88, 0x07, 0x03, 0xe9, ...new TextEncoder().encode('bye!!')]));
    expect(frame.close).toEqual({ code: 1001, codeName: 'Going Away', reason: 'bye!!', reasonLossy: false });
    expect(frame.layers[1]?.fields.map((f) => [f.name, f.byteOffset, f.byteLength, f.value])).toEqual([
      ['Close code', 2, 2, 1001],
      ['Close reason', 4, 5, 'bye!!'],
    ]);
  });

  it('an empty close body means "No Status Received"', () => {
    expect(only(fromHex('8800')).close).toMatchObject({ code: null, codeName: 'No Status Received' });
  });

  it('reports a close code that may not be sent, and invalid UTF-8 in the reason', () => {
    expect(only(fromHex('880203ed')).errors.map((e) => e.code)).toEqual(['WS_ERR_INVALID_CLOSE_CODE']);
    const bad = only(fromHex('880403e8fffe'));
    expect(bad.errors.map((e) => [e.code, e.closeCode])).toEqual([['WS_ERR_INVALID_UTF8', 1007]]);
    expect(bad.close?.reasonLossy).toBe(true);
  });
});

describe('protocol violations are reported with ws codes', () => {
  const codes = (hex: string, options: WsFrameDecoderOptions = {}) =>
    decodeWsFrames(fromHex(hex), options).frames.flatMap((f) => f.errors.map((e) => e.code));

  it.each([
    ['reserved opcode', '8300', 'WS_ERR_INVALID_OPCODE'],
    ['reserved control opcode', '8b00', 'WS_ERR_INVALID_OPCODE'],
    ['continuation with nothing to continue', '8000', 'WS_ERR_INVALID_OPCODE'],
    ['fragmented ping', '0900', 'WS_ERR_EXPECTED_FIN'],
    ['control frame over 125 bytes', `897e007e${'00'.repeat(126)}`, 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH'],
    ['close with a 1-byte body', '880100', 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH'],
    ['RSV2 set', 'a100', 'WS_ERR_UNEXPECTED_RSV_2_3'],
    ['RSV1 without an extension', 'c100', 'WS_ERR_UNEXPECTED_RSV_1'],
    ['non-minimal 16-bit length', '817e0001ff', 'WS_ERR_NON_MINIMAL_LENGTH'],
    ['invalid UTF-8 text', '8102c328', 'WS_ERR_INVALID_UTF8'],
    ['new message inside a fragmented one', '010161820161', 'WS_ERR_INVALID_OPCODE'],
  ])('%s', (_name, hex, code) => {
    expect(codes(hex)).toContain(code);
  });

  it('checks MASK by sender', () => {
    expect(codes('810548656c6c6f', { sender: 'client' })).toEqual(['WS_ERR_EXPECTED_MASK']);
    expect(codes('818537fa213d7f9f4d5158', { sender: 'server' })).toEqual(['WS_ERR_UNEXPECTED_MASK']);
  });

  it('RSV1 means compressed once permessage-deflate is agreed', () => {
    const frame = only(fromHex('c10548656c6c6f'), { permessageDeflate: true });
    expect(frame.errors).toEqual([]);
    expect(frame.text).toBeNull();
    expect(frame.layers[1]?.fields[0]?.name).toBe('Payload (deflate-compressed)');
  });

  it('a 64-bit length with its top bit set stops the decoder', () => {
    const decoder = new WsFrameDecoder();
    const first = decoder.push(fromHex('827f8000000000000001'));
    expect(first.error?.code).toBe('WS_ERR_PAYLOAD_LENGTH_MSB_SET');
    expect(decoder.failed).toBe(true);
    expect(decoder.push(fromHex('810548656c6c6f'))).toEqual({ frames: [], error: null });
    expect(decodeWsFrames(fromHex('827f0040000000000000')).error?.code).toBe(
      'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
    );
  });
});

describe('layers', () => {
  it('draws the header bit by bit', () => {
    const frame = only(fromHex('818537fa213d7f9f4d5158'));
    const header = frame.layers[0];
    expect(header?.fields.map((f) => [f.name, f.byteOffset, f.bitOffset, f.bitLength, f.value])).toEqual([
      ['FIN', 0, 0, 1, true],
      ['RSV1', 0, 1, 1, false],
      ['RSV2', 0, 2, 1, false],
      ['RSV3', 0, 3, 1, false],
      ['Opcode', 0, 4, 4, '1 (text)'],
      ['MASK', 1, 0, 1, true],
      ['Payload length', 1, 1, 7, 5],
      ['Masking key', 2, undefined, undefined, '37fa213d'],
    ]);
    expect(frame.layers[1]?.fields.map((f) => f.name)).toEqual([
      'Masked payload (as sent)',
      'Unmasked payload (UTF-8 text)',
    ]);
  });

  it('every field sits inside its layer and has a sentence', () => {
    const { frames } = decodeWsFrames(fromHex(ALL_FIXTURES));
    for (const layer of frames.flatMap((f) => f.layers)) {
      for (const f of layer.fields) {
        expect(f.byteOffset).toBeGreaterThanOrEqual(layer.byteOffset);
        expect(f.byteOffset + f.byteLength).toBeLessThanOrEqual(layer.byteOffset + layer.byteLength);
        expect(f.meaning).toMatch(/^[A-Z0-9"].{20,}[.)]$/);
      }
    }
  });
});

const ALL_FIXTURES = [
  '810548656c6c6f',
  '818537fa213d7f9f4d5158',
  '010348656c',
  '80026c6f',
  '890548656c6c6f',
  '8a8537fa213d7f9f4d5158',
  `827e0100${'ab'.repeat(256)}`,
  `827f0000000000010000${'cd'.repeat(65536)}`,
  '880703e962796521',
  '8300',
].join('');

const SPLIT_FIXTURES = [
  '810548656c6c6f',
  '818537fa213d7f9f4d5158',
  '010348656c',
  '80026c6f',
  '890548656c6c6f',
  '8a8537fa213d7f9f4d5158',
  `82fe0100a1b2c3d4${'ab'.repeat(256)}`,
  `827f0000000000010000${'cd'.repeat(65536)}`.slice(0, 20) + 'cd'.repeat(10),
].join('');

describe('a frame split across any number of reads', () => {
  const bytes = fromHex(SPLIT_FIXTURES);
  const whole = decodeInPieces(bytes, []);

  it('decodes the fixtures whole', () => {
    expect(whole.frames.map((f) => f.opcodeName)).toEqual([
      'text',
      'text',
      'text',
      'continuation',
      'ping',
      'pong',
      'binary',
    ]);
    // The 64-bit frame at the end is cut short: its header and 10 payload bytes wait for more.
    expect(whole.pendingBytes).toBe(20);
  });

  it('gives the same frames for every two-piece split', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(snapshot(decodeInPieces(bytes, [cut]))).toBe(snapshot(whole));
    }
  });

  it('gives the same frames one byte at a time', () => {
    const cuts = Array.from({ length: bytes.length }, (_, i) => i);
    expect(snapshot(decodeInPieces(bytes, cuts))).toBe(snapshot(whole));
  });

  it('gives the same frames when kept payloads view the chunks instead of copying them', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(snapshot(decodeInPieces(bytes, [cut], { viewChunks: true }))).toBe(snapshot(whole));
    }
    const cuts = Array.from({ length: bytes.length }, (_, i) => i);
    expect(snapshot(decodeInPieces(bytes, cuts, { viewChunks: true }))).toBe(snapshot(whole));
  });

  it('waits inside a frame', () => {
    const decoder = new WsFrameDecoder();
    expect(decoder.push(fromHex('8185')).frames).toEqual([]);
    expect(decoder.push(fromHex('37fa213d7f9f')).frames).toEqual([]);
    expect(decoder.pendingBytes).toBe(8);
    expect(decoder.push(fromHex('4d5158')).frames[0]?.text).toBe('Hello');
  });
});

// @types/ws does not declare Sender, so narrow the runtime export instead of trusting a cast.
type FrameOptions = {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  generateMask?: (mask: Uint8Array) => void;
};
function senderFrame(): (data: Uint8Array, options: FrameOptions) => Uint8Array[] {
  const sender: unknown = Reflect.get(wsModule, 'Sender');
  const frame: unknown = typeof sender === 'function' ? Reflect.get(sender, 'frame') : undefined;
  if (typeof frame !== 'function') throw new Error('ws does not export Sender.frame');
  return (data, options) => {
    const out: unknown = Reflect.apply(frame, sender, [Buffer.from(data), options]);
    if (!Array.isArray(out) || !out.every((b) => b instanceof Uint8Array))
      throw new Error('unexpected Sender.frame result');
    return out;
  };
}
const frameWithWs = senderFrame();

function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Byte comparison without vitest's deep diff, which is slow on 70,000-element arrays. */
const sameBytes = (a: Uint8Array | undefined, b: Uint8Array) =>
  a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('properties', () => {
  const frameSpec = fc.record({
    opcode: fc.constantFrom(0, 1, 2, 8, 9, 10),
    length: fc.oneof(
      fc.integer({ min: 0, max: 130 }),
      fc.constantFrom(125, 126, 65535, 65536),
      fc.integer({ min: 0, max: 70_000 }),
    ),
    seed: fc.integer(),
    fin: fc.boolean(),
    rsv1: fc.boolean(),
    mask: fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: null }),
  });

  it('every frame ws Sender builds decodes to the same fields, however it is split', () => {
    fc.assert(
      fc.property(
        fc.array(frameSpec, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (specs, rawCuts) => {
          const built = specs.map((s) => {
            const data = pseudoRandomBytes(s.length, s.seed);
            const key = s.mask;
            const options: FrameOptions = {
              fin: s.fin,
              rsv1: s.rsv1,
              opcode: s.opcode,
              mask: key !== null,
              readOnly: true,
            };
            if (key) options.generateMask = (m) => m.set(key);
            return { spec: s, data, bytes: concat(frameWithWs(data, options)) };
          });
          const bytes = concat(built.map((b) => b.bytes));
          const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          const { frames, errors, pendingBytes } = decodeInPieces(bytes, cuts, {
            maxKeptPayloadBytes: 80_000,
          });
          expect(errors).toEqual([]);
          expect(pendingBytes).toBe(0);
          expect(frames).toHaveLength(built.length);
          built.forEach(({ spec, data }, i) => {
            const frame = frames[i];
            expect(frame).toMatchObject({
              fin: spec.fin,
              rsv1: spec.rsv1,
              opcode: spec.opcode,
              masked: spec.mask !== null,
              payloadLength: data.length,
            });
            expect(frame?.lengthForm).toBe(data.length > 65535 ? 64 : data.length > 125 ? 16 : 7);
            expect(frame?.maskingKey).toBe(spec.mask ? toHex(spec.mask, 4, '') : null);
            expect(frame?.truncated).toBe(false);
            expect(sameBytes(frame?.payload, data)).toBe(true);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a message ws fragments reassembles to the original bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 5 }),
        fc.integer(),
        fc.boolean(),
        (sizes, seed, masked) => {
          const parts = sizes.map((n, i) => pseudoRandomBytes(n, seed + i));
          const bytes = concat(
            parts.flatMap((data, i) =>
              frameWithWs(data, {
                fin: i === parts.length - 1,
                rsv1: false,
                opcode: i === 0 ? 2 : 0,
                mask: masked,
                readOnly: true,
              }),
            ),
          );
          const { frames } = decodeInPieces(bytes, [Math.floor(bytes.length / 3)], {
            maxKeptPayloadBytes: 20_000,
          });
          const { messages, errors } = reassembleMessages(frames, 20_000);
          expect(errors).toEqual([]);
          expect(messages).toHaveLength(1);
          expect(sameBytes(messages[0]?.data, concat(parts))).toBe(true);
          expect(messages[0]?.frameIndexes).toEqual(sizes.map((_, i) => i));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('splitFrames reports the numbers of the frames push reads, and raw() is the same frame, for any bytes and cuts', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        (bytes, rawCuts, viewChunks) => {
          const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          const options = { maxKeptPayloadBytes: 64, viewChunks };
          // Read by a decoder that copies kept payloads, so views made lazily in raw() are checked against copies.
          const pushed = decodeInPieces(bytes, cuts, { maxKeptPayloadBytes: 64 });
          const decoder = new WsFrameDecoder(options);
          const split: WsFrame[] = [];
          let previous = 0;
          for (const cut of [...cuts, bytes.length]) {
            decoder.splitFrames(bytes.slice(previous, cut), (frame) => {
              const raw = frame.raw();
              expect(raw.header.length).toBe(frame.headerLength);
              expect(raw.header[0]).toBe(frame.firstByte);
              expect(frame.isPayloadKept).toBe(raw.keptPayload.length === frame.payloadLength);
              expect([
                raw.index,
                raw.byteOffset,
                raw.byteLength,
                raw.payloadLength,
                raw.fragmentOpcode,
              ]).toEqual([
                frame.index,
                frame.byteOffset,
                frame.byteLength,
                frame.payloadLength,
                frame.fragmentOpcode,
              ]);
              split.push(describeWsFrame(raw));
            });
            previous = cut;
          }
          expect(split).toEqual(pushed.frames);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('arbitrary bytes never throw and every byte is accounted for', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (bytes, rawCuts) => {
          const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          const { frames, errors, pendingBytes } = decodeInPieces(bytes, cuts, { maxKeptPayloadBytes: 64 });
          if (errors.length === 0) {
            expect(frames.reduce((n, f) => n + f.byteLength, 0) + pendingBytes).toBe(bytes.length);
          }
          for (const frame of frames) expect(frame.payload.length).toBeLessThanOrEqual(Math.max(64, 125));
          reassembleMessages(frames);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
