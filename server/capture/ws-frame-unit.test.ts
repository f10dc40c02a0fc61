import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectionRecorder, type DecodedUnit } from './connection-recorder.ts';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const REQUEST =
  `GET /api/rooms/r/ws?client=t1&name=a HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
  `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n\r\n`;
const response = (deflate: boolean) =>
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  `Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n${deflate ? 'Sec-WebSocket-Extensions: permessage-deflate\r\n' : ''}\r\n`;
const latin1 = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

interface FrameSpec {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Uint8Array;
}

/** RFC 6455 5.2, written independently of protocol/wire; any field combination, valid or not. */
function encodeFrame(spec: FrameSpec): Uint8Array {
  const { payload } = spec;
  const head = [(spec.fin ? 0x80 : 0) | (spec.rsv << 4) | spec.opcode];
  const mask = spec.masked ? 0x80 : 0;
  if (payload.length < 126) head.push(mask | payload.length);
  else head.push(mask | 126, payload.length >> 8, payload.length & 0xff);
  const key = [0x37, 0xfa, 0x21, 0x3d];
  if (spec.masked) head.push(...key);
  const body = spec.masked ? payload.map((byte, index) => byte ^ (key[index & 3] ?? 0)) : payload;
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

const chatText = fc
  .integer({ min: 0, max: 10_000 })
  .map((seq) => new TextEncoder().encode(`{"type":"message","message":{"seq":${seq},"text":"hé ✓"}}`));
const frameSpec: fc.Arbitrary<FrameSpec> = fc.record({
  fin: fc.boolean(),
  rsv: fc.constantFrom(0, 0, 0, 4, 2),
  opcode: fc.constantFrom(0, 1, 1, 1, 2, 8, 9, 10, 3),
  masked: fc.boolean(),
  payload: fc.oneof(chatText, fc.uint8Array({ maxLength: 300 }), fc.constant(new Uint8Array([0x03, 0xe8]))),
});

/** Everything the inspector can learn from a unit, read now. */
function view(unit: DecodedUnit | undefined) {
  if (!unit) return unit;
  const { connId, exchange, dir, unit: kind, atMs, byteLength, bytes } = unit;
  return {
    connId,
    exchange,
    dir,
    unit: kind,
    atMs,
    byteLength,
    bytes: Uint8Array.from(bytes),
    details: unit.details(),
  };
}

/**
 * Every unit of a connection that upgraded and then carried `frames` each way, cut into `cut`-byte reads;
 * with `strings`, the server's frames are written as `ws` writes them instead (the header's bytes, then the
 * payload as a string, utf8 when it is valid UTF-8 and latin1 when not), and must come out the same.
 */
function capture(
  frames: FrameSpec[],
  cut: number,
  deferReading: boolean,
  {
    maxUnitBytes = 4096,
    deflate = false,
    strings = false,
  }: { maxUnitBytes?: number; deflate?: boolean; strings?: boolean } = {},
) {
  const units: DecodedUnit[] = [];
  const recorder = new ConnectionRecorder({ maxUnitBytes, maxScanBytes: 1024, deferReading }, (rows, row) =>
    units.push(rows.unitAt(row)),
  );
  recorder.push('in', latin1(REQUEST), 1);
  recorder.push('out', latin1(response(deflate)), 2);
  for (const dir of ['in', 'out'] as const) {
    const wire = frames.map(encodeFrame);
    if (strings && dir === 'out') {
      for (const [index, frame] of wire.entries()) {
        // The payload as it crosses (masked when the frame is): the frame's last payload.length bytes.
        const payload = Buffer.from(frame.subarray(frame.length - (frames[index]?.payload.length ?? 0)));
        const header = frame.subarray(0, frame.length - payload.length);
        recorder.push(dir, header, 3);
        const asUtf8 = payload.toString('utf8');
        const encoding = Buffer.from(asUtf8, 'utf8').equals(payload) ? 'utf8' : 'latin1';
        const written = recorder.pushString(dir, payload.toString(encoding), encoding, 3);
        expect(Buffer.from(written).equals(payload)).toBe(true);
      }
      continue;
    }
    const all = new Uint8Array(wire.reduce((sum, frame) => sum + frame.length, 0));
    let at = 0;
    for (const frame of wire) {
      all.set(frame, at);
      at += frame.length;
    }
    for (let offset = 0; offset < all.length; offset += cut) {
      recorder.push(dir, all.subarray(offset, offset + cut), 3);
    }
  }
  recorder.close(4);
  return { units, wsClosing: recorder.wsClosing };
}

describe('WebSocket frames read later', () => {
  it('read exactly as frames read at once, whatever the frames, however the bytes are cut or written', () => {
    fc.assert(
      fc.property(
        fc.array(frameSpec, { maxLength: 12 }),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom(4096, 64),
        fc.boolean(),
        fc.boolean(),
        (frames, cut, maxUnitBytes, deflate, strings) => {
          const later = capture(frames, cut, true, { maxUnitBytes, deflate, strings });
          const now = capture(frames, cut, false, { maxUnitBytes, deflate });
          expect(later.wsClosing).toEqual(now.wsClosing);
          expect(later.units.length).toBe(now.units.length);
          later.units.forEach((unit, index) => {
            expect(view(unit)).toEqual(view(now.units[index]));
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('read exactly as at once across many tables of waiting frames (each twice as big as the last)', () => {
    const frames: FrameSpec[] = Array.from({ length: 700 }, (_, index) => ({
      fin: true,
      rsv: 0,
      opcode: index % 5 === 4 ? 9 : 1,
      masked: index % 2 === 0,
      payload: new TextEncoder().encode(
        `{"type":"message","message":{"seq":${index}}}`.repeat((index % 3) + 1),
      ),
    }));
    const later = capture(frames, 1000, true, { strings: true });
    const now = capture(frames, 1000, false);
    expect(later.units.filter((unit) => unit.isDeferred).length).toBe(1400);
    expect(later.units.map(view)).toEqual(now.units.map(view));
  });

  it('waits for whole uncompressed messages and pings, not for fragments or a Close', () => {
    const text = new TextEncoder().encode('{"seq":7}');
    const { units } = capture(
      [
        { fin: true, rsv: 0, opcode: 1, masked: false, payload: text },
        { fin: true, rsv: 0, opcode: 9, masked: false, payload: new Uint8Array(0) },
        { fin: false, rsv: 0, opcode: 1, masked: false, payload: text },
        { fin: true, rsv: 0, opcode: 0, masked: false, payload: text },
        { fin: true, rsv: 0, opcode: 8, masked: false, payload: new Uint8Array([0x03, 0xe8]) },
      ],
      1000,
      true,
    );
    const frames = units.filter((unit) => unit.unit === 'ws-frame' && unit.dir === 'in');
    expect(frames.map((unit) => unit.isDeferred)).toEqual([true, true, false, false, false]);
    expect(frames[0]?.details().messageSeqs).toEqual([7]);
    expect(frames[3]?.details().messageSeqs).toEqual([7]);
  });
});
