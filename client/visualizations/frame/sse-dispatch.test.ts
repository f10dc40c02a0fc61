import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSseParser } from '../../../protocol/wire/sse.ts';
import { fixture } from './fixtures.ts';
import { sseDispatches } from './sse-dispatch.ts';

describe('sseDispatches (captured)', () => {
  it('explains a named event: only addEventListener sees it, and the id becomes lastEventId', () => {
    const [event, ...rest] = sseDispatches(fixture('sseResume').layers);
    expect(rest).toEqual([]);
    expect(event?.lines.map((line) => [line.kind, line.name])).toEqual([
      ['field', 'event'],
      ['field', 'id'],
      ['field', 'data'],
      ['blank', ''],
    ]);
    expect(event).toMatchObject({
      complete: true,
      fires: true,
      type: 'resume',
      dataLines: 1,
      data: '{"recovered":true,"cursor":"zO0We9Uh:0"}',
      lastEventId: 'zO0We9Uh:0',
      retryMs: null,
    });
    expect(event?.sentence).toContain('only addEventListener("resume") receives it; onmessage does not');
    expect(event?.sentence).toContain('lastEventId becomes "zO0We9Uh:0"');
  });

  it('explains a message event and a retry-only event', () => {
    const [message] = sseDispatches(fixture('sseMessage').layers);
    expect(message?.type).toBe('message');
    expect(message?.sentence).toContain('onmessage receives it');
    const [retry] = sseDispatches(fixture('sseRetry').layers);
    expect(retry).toMatchObject({ fires: false, retryMs: 1000 });
    expect(retry?.sentence).toContain('No data line, so no event fires');
    expect(retry?.sentence).toContain('waits 1000 ms');
  });
});

describe('sseDispatches (against the protocol parser)', () => {
  const encoder = new TextEncoder();
  const line = fc.oneof(
    fc.constantFrom(
      '',
      ': heartbeat',
      'event: ping',
      'event:',
      'id: 7',
      'retry: 250',
      'retry: x1',
      'data',
      'bogus: 1',
    ),
    fc.string({ maxLength: 6 }).map((text) => `data: ${text.replace(/[\r\n]/g, '')}`),
  );

  it('fires the same events, with the same type and data, as the WHATWG parser', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), (lines, end) => {
        const parser = createSseParser();
        const units = parser.push(encoder.encode(lines.map((text) => text + end).join(''))).units;
        const layers = units.flatMap((unit) => unit.layers).sort((a, b) => a.byteOffset - b.byteOffset);
        const fired = units.filter((unit) => unit.kind === 'event' && unit.status === 'dispatched');
        const ours = sseDispatches(layers).filter((dispatch) => dispatch.fires);
        expect(ours.map((d) => [d.type, d.data])).toEqual(
          fired.map((unit) => (unit.kind === 'event' ? [unit.type, unit.data] : [])),
        );
      }),
    );
  });
});
