import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../../protocol/inspect.ts';
import { ariaLabel, formatBytes, formatDuration, isQuiet, shortLabel, shortPath } from './describe.ts';
import { FIXTURE_START_MS, fixtureMessages, longPollingTrace, sseTrace, websocketTrace } from './fixtures.ts';
import {
  DEFAULT_ROW_MIN_PX,
  DIAGRAM_FONT,
  estimatedTextWidth,
  type LayoutInput,
  layoutSequence,
  MAX_DRAWN_UNITS,
  MAX_PARTICIPANT_LANES,
  MIN_DRAWN_ROW_PX,
  sliceSpanMs,
  spreadRows,
  structureOf,
} from './layout.ts';
import { FOLLOW_SPAN_MS, followWindow, MIN_SPAN_MS, panWindow, zoomWindow } from './time-window.ts';

function input(events: WireEvent[], overrides: Partial<LayoutInput> = {}): LayoutInput {
  const window = followWindow(events);
  if (!window) throw new Error('fixture has no events');
  return {
    events,
    messages: fixtureMessages,
    me: 'ada',
    window,
    width: 640,
    height: 480,
    originMs: FIXTURE_START_MS,
    ...overrides,
  };
}

const noSenders = { reused: false, senderOf: () => undefined };

describe('structureOf', () => {
  it('pairs each long poll with the response that ends it, and marks keep-alive reuse', () => {
    const structure = structureOf(longPollingTrace);
    expect([...structure.reused].sort((a, b) => a - b)).toEqual([4, 9, 11]);
    expect(structure.holds.map((hold) => [hold.request.eventSeq, hold.end?.eventSeq ?? null])).toEqual([
      [2, 3],
      [4, 8],
      [9, 10],
      [11, null],
    ]);
    expect(structure.channels).toEqual([]);
  });

  it('opens a channel at the WebSocket upgrade and keeps it open until a TCP close', () => {
    const structure = structureOf(websocketTrace);
    expect(structure.channels.map((channel) => [channel.kind, channel.start.eventSeq, channel.end])).toEqual([
      ['websocket', 3, null],
    ]);
    expect(structure.holds).toEqual([]);
  });

  it('ends an SSE stream at its TCP close and finds the reconnect gap before the next open', () => {
    const structure = structureOf(sseTrace);
    expect(
      structure.channels.map((channel) => [channel.kind, channel.start.eventSeq, channel.end?.eventSeq]),
    ).toEqual([
      ['sse', 3, 7],
      ['sse', 10, undefined],
    ]);
    expect(structure.gaps.map((gap) => [gap.transport, gap.close.eventSeq, gap.open.eventSeq])).toEqual([
      ['sse', 7, 8],
    ]);
  });

  it('ends the reconnect gap at the request when the reconnect reuses a pooled keep-alive socket', () => {
    const [open, request, response, , , , close] = sseTrace;
    if (!open || !request || !response || !close) throw new Error('fixture changed');
    // Socket 9 was opened by another request of this tab (a lab call), so no TCP open names SSE.
    const events: WireEvent[] = [
      open,
      request,
      response,
      { ...open, eventSeq: 4, connId: 9, transport: 'other', atMs: 500 },
      close,
      { ...request, eventSeq: 6, connId: 9, atMs: 3100 },
      { ...response, eventSeq: 7, connId: 9, atMs: 3102 },
      { ...close, eventSeq: 8, connId: 9, atMs: 5000 },
    ];
    const structure = structureOf(events);
    expect(structure.gaps.map((gap) => [gap.transport, gap.close.eventSeq, gap.open.eventSeq])).toEqual([
      ['sse', close.eventSeq, 6],
    ]);
    // Once it carried the stream, the pooled socket's close is an SSE close too.
    expect(structure.channels.map((channel) => [channel.start.eventSeq, channel.end?.eventSeq])).toEqual([
      [response.eventSeq, close.eventSeq],
      [7, 8],
    ]);
  });

  it('does not call a close a gap while another connection of that transport is open', () => {
    const [open, close] = [sseTrace[0], sseTrace[6]];
    if (!open || !close) throw new Error('fixture changed');
    const events: WireEvent[] = [
      open,
      { ...open, eventSeq: 2, connId: 9 },
      close,
      { ...open, eventSeq: 4, connId: 10, atMs: close.atMs + 500 },
    ];
    expect(structureOf(events).gaps).toEqual([]);
  });
});

describe('layoutSequence', () => {
  it('draws one arrow per unit, browser to server for "in" and back for "out"', () => {
    const layout = layoutSequence(input(websocketTrace));
    expect(layout.arrows).toHaveLength(websocketTrace.length);
    const [browser, server] = layout.lanes;
    expect(browser?.label).toBe('This browser');
    expect(server?.label).toBe('Server');
    for (const arrow of layout.arrows) {
      if (arrow.dir === 'in') expect([arrow.x1, arrow.x2]).toEqual([browser?.x, server?.x]);
      else expect([arrow.x1, arrow.x2]).toEqual([server?.x, browser?.x]);
    }
  });

  it('puts time down the page, rows at least the minimum apart and inside the plot', () => {
    const layout = layoutSequence(input(longPollingTrace));
    const ys = layout.arrows.map((arrow) => arrow.y);
    for (let i = 1; i < ys.length; i++) {
      expect((ys[i] ?? 0) - (ys[i - 1] ?? 0)).toBeGreaterThanOrEqual(DEFAULT_ROW_MIN_PX - 0.02);
    }
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(layout.top);
    expect(Math.max(...ys)).toBeLessThanOrEqual(layout.bottom);
    expect(layout.showLabels).toBe(true);
  });

  it('draws heartbeats and control frames quietly, the upgrade as a handshake', () => {
    const layout = layoutSequence(input(websocketTrace));
    const styleOf = (seq: number) => layout.arrows.find((arrow) => arrow.eventSeq === seq)?.style;
    expect(styleOf(1)).toBe('tcp');
    expect(styleOf(2)).toBe('handshake');
    expect(styleOf(5)).toBe('data');
    expect(styleOf(9)).toBe('quiet');
    expect(styleOf(10)).toBe('quiet');
  });

  it('labels each arrow for people and screen readers', () => {
    const layout = layoutSequence(input(websocketTrace));
    const arrow = layout.arrows.find((candidate) => candidate.eventSeq === 5);
    expect(arrow?.ariaLabel).toBe('WebSocket frame, browser to server, text, masked, 27 bytes, connection 1');
    expect(arrow?.label).toBe('text · 27 B');
    const echo = layout.arrows.find((candidate) => candidate.eventSeq === 8);
    expect(echo?.ariaLabel).toContain('carries message 8 from bob');
  });

  it('draws long-poll holds on the server lifeline from request to response', () => {
    const layout = layoutSequence(input(longPollingTrace));
    const yOf = (seq: number) => layout.arrows.find((arrow) => arrow.eventSeq === seq)?.y;
    const server = layout.lanes[1];
    expect(layout.holds.map((hold) => hold.label)).toEqual([
      'held 3 ms',
      'held 1.5 s',
      'held 2.5 s',
      'holding 0 ms…',
    ]);
    const held = layout.holds[1];
    expect(held?.y1).toBe(yOf(4));
    expect(held?.y2).toBe(yOf(8));
    expect((held?.x ?? 0) + 5).toBe(server?.x);
    expect(layout.arrows.find((arrow) => arrow.eventSeq === 9)?.label).toBe('GET …/long-poll #3 reused');
  });

  it('draws SSE streams as channels and the reconnect gap between them', () => {
    const layout = layoutSequence(input(sseTrace));
    expect(layout.channels.map((channel) => [channel.kind, channel.isOpen, channel.label])).toEqual([
      ['sse', false, 'SSE stream on connection #5'],
      ['sse', true, 'SSE stream on connection #6, open'],
    ]);
    const gap = layout.gaps[0];
    expect(gap?.label).toBe('reconnect gap 1.1 s: no sse connection');
    const yOf = (seq: number) => layout.arrows.find((arrow) => arrow.eventSeq === seq)?.y;
    expect([gap?.y1, gap?.y2]).toEqual([yOf(7), yOf(8)]);
  });

  it('gives other participants lifelines and marks their messages reaching the server', () => {
    const layout = layoutSequence(input(sseTrace));
    expect(layout.lanes.map((lane) => lane.label)).toEqual(['This browser', 'Server', 'bob', 'cy']);
    expect(layout.relays.map((relay) => relay.label)).toEqual(['#21 from bob', '#22 from cy']);
    const bob = layout.lanes[2];
    expect(layout.relays[0]?.x1).toBe(bob?.x);
    expect(layout.relays[0]?.x2).toBe(layout.lanes[1]?.x);
  });

  /** One delivered frame per name, each carrying a message from that name: every name is a relay's sender. */
  function withParticipants(names: readonly string[], overrides: Partial<LayoutInput>): LayoutInput {
    const frame = websocketTrace[4] as WireEvent;
    const frames = names.map((_, index) => ({
      ...frame,
      dir: 'out' as const,
      eventSeq: index + 2,
      atMs: FIXTURE_START_MS + 100 * (index + 1),
      messageSeqs: [index + 1],
    }));
    const messages = names.map((from, index) => ({
      seq: index + 1,
      from,
      committedAtMs: FIXTURE_START_MS + 100 * (index + 1) - 5,
    }));
    const window = { startMs: FIXTURE_START_MS, endMs: FIXTURE_START_MS + 1000 };
    // The connection's opening is there even with nobody else in the room, so the window has a unit.
    const opening = websocketTrace[0] as WireEvent;
    return input([opening, ...frames], { messages, window, ...overrides });
  }

  it("fits every lane's texts between its neighbours, whatever the width, the theme and the names", () => {
    const name = fc.string({ unit: fc.constantFrom('a', 'm', 'W', '-', '1'), minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { minLength: 0, maxLength: 6 }),
        name,
        fc.integer({ min: 320, max: 1600 }),
        fc.constantFrom(DIAGRAM_FONT.normal, DIAGRAM_FONT.presenter),
        (names, me, width, font) => {
          const textWidth = estimatedTextWidth(font);
          const others = names.filter((other) => other !== me);
          const layout = layoutSequence(withParticipants(others, { me, width, textWidth }));
          const extents = layout.lanes.map((lane) => {
            const half =
              Math.max(textWidth(lane.label, 'lane-label'), textWidth(lane.sublabel, 'lane-sublabel')) / 2;
            return [lane.x - half, lane.x + half] as const;
          });
          extents.forEach(([left, right], index) => {
            expect(left).toBeGreaterThanOrEqual(0);
            expect(right).toBeLessThanOrEqual(width);
            const next = extents[index + 1];
            if (next) expect(right).toBeLessThan(next[0]);
          });
          for (const lane of layout.lanes) expect(lane.label.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('cuts a long name with "…" and keeps it whole in the lane\'s title', () => {
    const long = 'alexandra-with-a-long-name';
    const layout = layoutSequence(withParticipants(['bo', long], { width: 640 }));
    const lane = layout.lanes.find((candidate) => candidate.id === `participant:${long}`);
    expect(lane?.label).toMatch(/^alex.*…$/);
    expect(lane?.title).toBe(`${long} (browser)`);
    const bo = layout.lanes.find((candidate) => candidate.id === 'participant:bo');
    expect([bo?.label, bo?.sublabel, bo?.title]).toEqual(['bo', 'browser', '']);
  });

  it('shares one "Others" lane sooner where large type leaves room for fewer lanes', () => {
    const names = ['bo', 'cy', 'di', 'ed'];
    const labels = (width: number, font = DIAGRAM_FONT.normal) =>
      layoutSequence(withParticipants(names, { width, textWidth: estimatedTextWidth(font) }))
        .lanes.slice(2)
        .map((lane) => lane.label);
    expect(labels(1000)).toHaveLength(MAX_PARTICIPANT_LANES);
    expect(labels(1000)).toEqual(['bo', 'cy', 'Others']);
    expect(labels(700, DIAGRAM_FONT.presenter)).toEqual(['bo', 'Others']);
    // The presenter theme's diagram at a 1280 px wide window.
    expect(labels(540, DIAGRAM_FONT.presenter)).toEqual(['Others']);
    expect(labels(540)).toEqual(['bo', 'Others']);
    const shared = layoutSequence(withParticipants(names, { width: 540 })).lanes.at(-1);
    expect(shared?.title).toBe('Others: cy, di, ed');
  });

  it('keeps somebody called "Others" apart from the lane the others share', () => {
    const layout = layoutSequence(withParticipants(['Others', 'bo', 'cy'], { width: 540 }));
    const ids = layout.lanes.map((lane) => lane.id);
    expect(new Set(ids).size).toBe(ids.length);
    const person = layout.lanes.find((lane) => lane.id === 'participant:Others');
    const shared = layout.lanes.at(-1);
    expect(shared?.title).toBe('Others: bo, cy');
    expect(layout.relays.map((relay) => [relay.from, relay.x1])).toEqual([
      ['Others', person?.x],
      ['bo', shared?.x],
      ['cy', shared?.x],
    ]);
  });

  it('fits arrow and relay labels between their lifelines at any width, in either theme', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(longPollingTrace, sseTrace, websocketTrace),
        fc.integer({ min: 280, max: 1600 }),
        fc.constantFrom(DIAGRAM_FONT.normal, DIAGRAM_FONT.presenter),
        (trace, width, font) => {
          const textWidth = estimatedTextWidth(font);
          const layout = layoutSequence(input(trace, { width, textWidth }));
          for (const arrow of layout.arrows) {
            const drawn = arrow.hasError ? `⚠ ${arrow.label}` : arrow.label;
            expect(textWidth(drawn, 'arrow-label')).toBeLessThanOrEqual(Math.abs(arrow.x2 - arrow.x1));
          }
          for (const relay of layout.relays) {
            expect(textWidth(relay.label, 'arrow-label')).toBeLessThanOrEqual(Math.abs(relay.x2 - relay.x1));
          }
        },
      ),
    );
  });

  it('shortens an arrow label that does not fit: without its size, then only its messages, then cut', () => {
    const labelOf = (width: number, textWidth = estimatedTextWidth(DIAGRAM_FONT.normal)) =>
      layoutSequence(input(sseTrace, { width, textWidth })).arrows.find(
        (arrow) => arrow.unit === 'sse-event' && arrow.seqs.includes(22),
      )?.label;
    expect(labelOf(640)).toBe('event · 240 B · msg 22');
    expect(labelOf(380)).toBe('event · msg 22');
    expect(labelOf(300)).toBe('msg 22');
    expect(labelOf(300, estimatedTextWidth({ ...DIAGRAM_FONT.normal, arrowLabelPx: 30 }))).toBe('msg…');
  });

  it('leaves out what the window does not show', () => {
    const window = { startMs: FIXTURE_START_MS + 1000, endMs: FIXTURE_START_MS + 2000 };
    const layout = layoutSequence(input(sseTrace, { window }));
    expect(layout.arrows.map((arrow) => arrow.eventSeq)).toEqual([6, 7]);
    // The first stream is cut by the window's top; the second has not started.
    expect(layout.channels).toHaveLength(1);
    expect(layout.channels[0]?.y1).toBe(layout.top);
  });

  const manyFrames: WireEvent[] = Array.from({ length: 500 }, (_, index) => ({
    ...(websocketTrace[4] as WireEvent),
    eventSeq: index + 1,
    atMs: FIXTURE_START_MS + index,
  }));

  it(`draws units one by one while one per ${MIN_DRAWN_ROW_PX} px fits`, () => {
    const layout = layoutSequence(input(manyFrames));
    const fits = Math.floor((layout.bottom - layout.top) / MIN_DRAWN_ROW_PX);
    const few = manyFrames.slice(0, fits);
    const tight = layoutSequence(input(few));
    expect(tight.arrows.map((arrow) => arrow.eventSeq)).toEqual(few.map((event) => event.eventSeq));
    expect(tight.bursts).toEqual([]);
    expect(tight.showLabels).toBe(false);
  });

  it('draws a window with more units than rows as bursts: every unit counted once, at its time', () => {
    const given = input(manyFrames);
    const layout = layoutSequence(given);
    expect(layout.unitCount).toBe(500);
    const counted = [
      ...layout.arrows.map((arrow) => arrow.eventSeq),
      ...layout.bursts.flatMap((burst) => burst.eventSeqs),
    ].sort((a, b) => a - b);
    expect(counted).toEqual(manyFrames.map((event) => event.eventSeq));
    expect(layout.bursts.length).toBeGreaterThan(1);
    // Rows fit at their full spacing again, so labels come back.
    expect(layout.showLabels).toBe(true);
    const { startMs, endMs } = given.window;
    const y = (ms: number) =>
      layout.top + ((ms - startMs) / (endMs - startMs)) * (layout.bottom - layout.top);
    for (const burst of layout.bursts) {
      // Each burst's units lie in its slice, and it sits within a row of its slice's middle.
      for (const seq of burst.eventSeqs) {
        const atMs = manyFrames[seq - 1]?.atMs ?? Number.NaN;
        expect(atMs).toBeGreaterThanOrEqual(burst.startMs);
        expect(atMs).toBeLessThan(burst.startMs + burst.spanMs);
      }
      // Slices are a row or more apart here, so nothing pushes a burst off its slice's middle.
      expect(Math.abs(burst.y - y(burst.startMs + burst.spanMs / 2))).toBeLessThanOrEqual(0.01);
      expect(burst.outCount + burst.inCount).toBe(burst.eventSeqs.length);
      expect(burst.label).toBe(`${burst.eventSeqs.length} units in ${formatDuration(burst.spanMs)}`);
    }
    const ys = [...layout.arrows, ...layout.bursts].map((row) => row.y).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++)
      expect((ys[i] ?? 0) - (ys[i - 1] ?? 0)).toBeGreaterThanOrEqual(DEFAULT_ROW_MIN_PX - 0.01);
  });

  it("counts other participants' messages in the bursts of the slices they were committed in", () => {
    const carrying = manyFrames.map((event, index) => ({
      ...event,
      dir: 'out' as const,
      messageSeqs: [1000 + index],
    }));
    const messages = carrying.map((event, index) => ({
      seq: 1000 + index,
      from: index % 2 === 0 ? 'bob' : 'cy',
      committedAtMs: event.atMs - 0.5,
    }));
    const layout = layoutSequence(input(carrying, { messages }));
    expect(layout.bursts.length).toBeGreaterThan(1);
    const shown = messages.filter((message) => message.committedAtMs >= FIXTURE_START_MS);
    const relayed = layout.relays.length + layout.bursts.reduce((sum, burst) => sum + burst.relayCount, 0);
    expect(relayed).toBe(shown.length);
    for (const burst of layout.bursts) {
      if (burst.relayCount > 0)
        expect(burst.ariaLabel).toContain(`${burst.relayCount} messages committed by others`);
      expect(burst.seqs.length).toBeGreaterThanOrEqual(burst.eventSeqs.length);
    }
    // Lanes in order of first appearance: bob's first message is committed before the first unit.
    expect(layout.lanes.map((lane) => lane.label)).toEqual(['This browser', 'Server', 'cy', 'bob']);
  });

  it('draws a unit alone in its slice as its own arrow, beside the bursts of a flood', () => {
    const lone = { ...(manyFrames[0] as WireEvent), eventSeq: 501, atMs: FIXTURE_START_MS + 900 };
    const layout = layoutSequence(input([...manyFrames, lone]));
    expect(layout.bursts.length).toBeGreaterThan(1);
    expect(layout.arrows.map((arrow) => arrow.eventSeq)).toEqual([501]);
    expect(layout.bursts.every((burst) => burst.eventSeqs.length > 1)).toBe(true);
  });

  it('in a window that cannot be narrowed, draws the newest units one by one and counts the rest above them', () => {
    // 300 frames written together: one capture time, so no slice of time can tell them apart.
    const together = manyFrames.slice(0, 300).map((event) => ({ ...event, atMs: FIXTURE_START_MS + 100 }));
    const window = { startMs: FIXTURE_START_MS + 99, endMs: FIXTURE_START_MS + 99 + MIN_SPAN_MS };
    const layout = layoutSequence(input(together, { window }));
    const fits = Math.floor((layout.bottom - layout.top) / MIN_DRAWN_ROW_PX);
    expect(layout.arrows.map((arrow) => arrow.eventSeq)).toEqual(
      together.slice(-fits).map((event) => event.eventSeq),
    );
    expect(layout.bursts).toHaveLength(1);
    const [earlier] = layout.bursts;
    expect(earlier?.eventSeqs).toEqual(together.slice(0, 300 - fits).map((event) => event.eventSeq));
    expect(earlier?.label).toBe(`${300 - fits} earlier units, too close to draw one by one`);
    expect(earlier?.y).toBeLessThan(Math.min(...layout.arrows.map((arrow) => arrow.y)));
  });

  it('draws one message delivered alone in its slice as its arrow and its relay, not as a burst', () => {
    const lone = { ...(manyFrames[0] as WireEvent), eventSeq: 501, dir: 'out' as const, messageSeqs: [901] };
    // The unit and its relay share the 900-1000 ms slice (slices are counted from the epoch).
    const late = { ...lone, atMs: FIXTURE_START_MS + 950 };
    const messages = [{ seq: 901, from: 'bob', committedAtMs: FIXTURE_START_MS + 949.5 }];
    const layout = layoutSequence(input([...manyFrames, late], { messages }));
    expect(layout.bursts.length).toBeGreaterThan(1);
    expect(layout.arrows.map((arrow) => arrow.eventSeq)).toEqual([501]);
    expect(layout.relays.map((relay) => relay.seq)).toEqual([901]);
    expect(layout.bursts.every((burst) => burst.relayCount === 0)).toBe(true);
  });

  it("keeps a burst's key and contents while the window slides on", () => {
    const before = layoutSequence(input(manyFrames.slice(0, 400)));
    const after = layoutSequence(input(manyFrames.slice(0, 410)));
    const older = (layout: typeof before) =>
      layout.bursts.filter((burst) => burst.startMs + burst.spanMs <= FIXTURE_START_MS + 390);
    expect(older(after).map((burst) => [burst.key, burst.eventSeqs])).toEqual(
      older(before).map((burst) => [burst.key, burst.eventSeqs]),
    );
  });

  it(`draws at most ${MAX_DRAWN_UNITS} arrows one by one however tall the diagram`, () => {
    const layout = layoutSequence(input(manyFrames, { height: 4000 }));
    expect(layout.arrows.length).toBeLessThan(MAX_DRAWN_UNITS);
    expect(layout.bursts.length).toBeGreaterThan(0);
  });

  it('rounds slices to 1, 2 or 5 times a power of ten', () => {
    expect([0.7, 1, 1.2, 3, 7, 18, 1161].map(sliceSpanMs)).toEqual([1, 1, 2, 5, 10, 20, 2000]);
  });

  it('labels the axis in seconds since the origin', () => {
    const layout = layoutSequence(input(longPollingTrace));
    expect(layout.ticks.map((tick) => tick.label)).toContain('1 s');
    expect(layout.ticks.every((tick) => tick.y >= layout.top && tick.y <= layout.bottom)).toBe(true);
  });
});

describe('spreadRows', () => {
  it('keeps rows in order, apart and inside the bounds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 600, noNaN: true }), { maxLength: 80 }),
        fc.integer({ min: 4, max: 30 }),
        (raw, gap) => {
          const timeYs = [...raw].sort((a, b) => a - b);
          const ys = spreadRows(timeYs, gap, 0, 500);
          const used = timeYs.length > 1 ? Math.min(gap, 500 / (timeYs.length - 1)) : gap;
          for (let i = 0; i < ys.length; i++) {
            expect(ys[i]).toBeGreaterThanOrEqual(-1e-6);
            expect(ys[i]).toBeLessThanOrEqual(500 + 1e-6);
            if (i > 0) expect((ys[i] ?? 0) - (ys[i - 1] ?? 0)).toBeGreaterThanOrEqual(used - 1e-6);
          }
        },
      ),
    );
  });

  it('leaves rows that are already apart at their time', () => {
    expect(spreadRows([10, 50, 90], 18, 0, 100)).toEqual([10, 50, 90]);
  });
});

describe('time windows', () => {
  it('follows the newest event, zoomed in on a short session', () => {
    const window = followWindow(websocketTrace);
    expect(window?.endMs).toBeGreaterThan(FIXTURE_START_MS + 3001);
    expect(window?.startMs).toBeLessThan(FIXTURE_START_MS);
    const long = [{ atMs: 0 }, { atMs: 100_000 }];
    const followed = followWindow(long);
    expect((followed?.endMs ?? 0) - (followed?.startMs ?? 0)).toBeCloseTo(FOLLOW_SPAN_MS * 1.08);
    expect(followWindow([])).toBeNull();
  });

  it('zooms around an anchor that stays put, within the span limits', () => {
    const zoomed = zoomWindow({ startMs: 0, endMs: 1000 }, 2, 250);
    expect(zoomed).toEqual({ startMs: 125, endMs: 625 });
    const tiny = zoomWindow({ startMs: 0, endMs: 10 }, 1000, 0);
    expect(tiny.endMs - tiny.startMs).toBe(MIN_SPAN_MS);
    expect(panWindow({ startMs: 0, endMs: 10 }, 5)).toEqual({ startMs: 5, endMs: 15 });
  });
});

describe('describe', () => {
  it('words units plainly', () => {
    const [open, request, upgrade] = websocketTrace;
    if (!open || !request || !upgrade) throw new Error('fixture changed');
    expect(ariaLabel(open, noSenders)).toBe('TCP connection opened, connection 1');
    expect(shortLabel(request, noSenders)).toBe('GET …/ws Upgrade #1');
    expect(shortLabel(upgrade, noSenders)).toBe('101 · 129 B');
    expect(isQuiet(websocketTrace[8] as WireEvent)).toBe(true);
    expect(shortPath('/api/rooms/lobby/poll?client=x')).toBe('…/poll');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatDuration(1530)).toBe('1.5 s');
  });
});
