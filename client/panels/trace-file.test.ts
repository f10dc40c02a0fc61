import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../protocol/trace.ts';
import { websocketTrace } from '../visualizations/sequence/fixtures.ts';
import { buildTrace, type TraceSource, traceFileName } from './trace-file.ts';

const live: TraceSource = {
  importedTrace: null,
  wireEvents: websocketTrace,
  messages: [
    {
      seq: 7,
      epoch: 'e1',
      cursor: 'e1:7',
      room: 'lobby',
      id: 'm1',
      from: 'ada',
      kind: 'chat',
      text: 'hi',
      committedAtMs: 5,
    },
  ],
  clientId: 'tab-1',
  room: 'lobby',
  transportKind: 'websocket',
  attempts: [],
  clock: { offsetMs: 1.5, uncertaintyMs: 0.2, roundTripMs: 0.4 },
};

describe('trace files', () => {
  it('saves the session so parseTrace reads back the same events and messages', () => {
    const trace = buildTrace(live, 1_700_000_000_000);
    const parsed = parseTrace(JSON.stringify(trace));
    expect(parsed).toEqual({ ok: true, trace });
    expect(trace).toMatchObject({
      client: 'tab-1',
      room: 'lobby',
      transport: 'websocket',
      clockOffsetMs: 1.5,
    });
    expect(trace.events).toHaveLength(websocketTrace.length);
  });

  it('saves a loaded trace as it was', () => {
    const loaded = buildTrace(live, 1);
    const again = buildTrace({ ...live, importedTrace: loaded, wireEvents: [], messages: [] }, 2);
    expect(again).toEqual({ ...loaded, exportedAtMs: 2 });
  });

  it('names files by room, transport and time', () => {
    expect(
      traceFileName({ room: 'lobby', transport: 'sse', exportedAtMs: Date.UTC(2025, 0, 31, 10, 20, 30) }),
    ).toBe('wirelab-lobby-sse-2025-01-31T10-20-30.json');
  });
});
