import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../protocol/inspect.ts';
import { clockLine, eventDetail, formatSignedMs, shortPath } from './wire-format.ts';

const base: WireEvent = {
  type: 'wire',
  eventSeq: 1,
  client: 'tab',
  connId: 1,
  transport: 'long-polling',
  dir: 'in',
  atMs: 0,
  unit: 'http-request',
  byteLength: 120,
  bytesBase64: '',
  truncated: false,
  layers: [],
  messageSeqs: [],
  path: '/api/rooms/lobby/long-poll',
};

describe('clockLine', () => {
  it('says how far the server clock is from the page, with its uncertainty', () => {
    expect(clockLine({ offsetMs: 3.24, uncertaintyMs: 0.4, roundTripMs: 0.8 })).toBe(
      'Server clock is +3.2 ms ± 0.40 ms from this page.',
    );
    expect(clockLine({ offsetMs: -1250, uncertaintyMs: 2, roundTripMs: 4 })).toBe(
      'Server clock is −1250.0 ms ± 2.0 ms from this page.',
    );
    expect(clockLine(null)).toMatch(/Measuring/);
  });

  it('keeps sub-millisecond offsets readable', () => {
    expect(formatSignedMs(0.123)).toBe('+0.12');
    expect(formatSignedMs(-0.5)).toBe('−0.50');
  });
});

describe('eventDetail', () => {
  it('shows the path of HTTP units without the room prefix', () => {
    expect(eventDetail(base)).toBe('…/long-poll');
    expect(shortPath('/api/inspect')).toBe('/api/inspect');
  });

  it('names the frame type of WebSocket frames, and decode errors', () => {
    const frame: WireEvent = {
      ...base,
      unit: 'ws-frame',
      ws: {
        fin: true,
        rsv1: false,
        rsv2: false,
        rsv3: false,
        opcode: 1,
        opcodeName: 'text',
        masked: true,
        payloadLength: 5,
        maskingKey: '37fa213d',
        closeCode: null,
      },
      error: { code: 'bad', message: 'RSV2 set' },
    };
    expect(eventDetail(frame)).toBe('text, masked · decode error: RSV2 set');
  });
});
