/**
 * Connects the store to the sequence diagram: the visible events (live, paused or an imported trace),
 * the selection and the highlighted message. The time window follows the newest unit until the learner
 * zooms or pans (d3-zoom on the time axis, or the buttons); "Follow live" hands it back.
 */
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { type D3ZoomEvent, zoom, zoomIdentity } from 'd3-zoom';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { indexAtOrAfter, useWirelab } from '../store/index.ts';
import { DIAGRAM_FONT, layoutSequence, MARGIN } from '../visualizations/sequence/layout.ts';
import { measuredTextWidth } from '../visualizations/sequence/measure-text.ts';
import { SequenceDiagram } from '../visualizations/sequence/SequenceDiagram.tsx';
import {
  FOLLOW_PAD_SHARE,
  followWindow,
  panWindow,
  type TimeWindow,
  windowFromDomain,
  zoomWindow,
} from '../visualizations/sequence/time-window.ts';
import { usePresenterTheme } from './presenter-theme.ts';
import { useWidth } from './use-width.ts';
import { useWireSnapshot } from './wire-snapshot.ts';
import '../visualizations/sequence/sequence.css';

/** Diagram height by theme: the presenter theme has larger type, so rows need more room. */
const DIAGRAM_HEIGHT_PX = { normal: 480, presenter: 560 } as const;
const ROW_MIN_PX = { normal: 18, presenter: 26 } as const;
const MIN_DIAGRAM_WIDTH_PX = 360;
/** How long a new arrow takes to draw in at 1×; slow motion divides by the speed. */
const BASE_ENTER_MS = 320;
/**
 * More new units than this in one render and none of them animates: at hundreds a second nobody follows
 * one arrow drawing in, and an SVG transform animation restyles its element on every frame it runs.
 */
const MAX_ANIMATED_UNITS_PER_RENDER = 3;
/** One press of Zoom in / Zoom out. */
const ZOOM_STEP = 1.6;
/** One press of Earlier / Later moves the window by this share of its span. */
const PAN_SHARE = 0.4;

function formatWindow(window: TimeWindow, originMs: number): string {
  const seconds = (ms: number) => ((ms - originMs) / 1000).toFixed(1);
  return `${seconds(window.startMs)} s to ${seconds(window.endMs)} s`;
}

export function DiagramPanel() {
  // While live, at most every LIVE_REFRESH_MS: its rows are a dense band under load, and each update
  // lays out and repaints it. Events and messages change together: the layout takes both.
  const { events, messages } = useWireSnapshot();
  const me = useWirelab((state) => state.name);
  const wireStartMs = useWirelab((state) => state.wireStartMs);
  const importedTrace = useWirelab((state) => state.importedTrace);
  const selectedEventSeq = useWirelab((state) => state.selectedEventSeq);
  const highlightedMessageSeq = useWirelab((state) => state.highlightedMessageSeq);
  const speed = useWirelab((state) => state.speed);
  // Stable, so arrows that did not change skip re-rendering; a second click on the selected one clears it.
  const onSelect = useCallback((eventSeq: number) => {
    const state = useWirelab.getState();
    state.selectEvent(state.selectedEventSeq === eventSeq ? null : eventSeq);
  }, []);
  const presenter = usePresenterTheme();

  const [container, setContainer] = useState<HTMLDivElement | null>(null);
  const [svg, setSvg] = useState<SVGSVGElement | null>(null);
  const width = useWidth(container, 640, MIN_DIAGRAM_WIDTH_PX);
  const height = presenter ? DIAGRAM_HEIGHT_PX.presenter : DIAGRAM_HEIGHT_PX.normal;
  const rowMinPx = presenter ? ROW_MIN_PX.presenter : ROW_MIN_PX.normal;
  // Measured in the font the diagram's text inherits, at the theme's sizes.
  const textWidth = useMemo(
    () =>
      measuredTextWidth(
        presenter ? DIAGRAM_FONT.presenter : DIAGRAM_FONT.normal,
        container ? getComputedStyle(container).fontFamily : 'sans-serif',
      ),
    [presenter, container],
  );

  /** null while following live; a fixed window once the learner zoomed or panned. */
  const [fixedWindow, setFixedWindow] = useState<TimeWindow | null>(null);
  // A burst opens its slice of time, with a little room on each side so its first and last units show.
  const onZoom = useCallback((startMs: number, endMs: number) => {
    const padMs = (endMs - startMs) * FOLLOW_PAD_SHARE;
    setFixedWindow(windowFromDomain([startMs - padMs, endMs + padMs]));
  }, []);
  // A loaded trace or going back to live starts from the follow window again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the trace changing is the trigger
  useEffect(() => setFixedWindow(null), [importedTrace]);
  const followed = useMemo(() => followWindow(events), [events]);
  const window = fixedWindow ?? followed;
  const originMs = importedTrace
    ? (importedTrace.events[0]?.atMs ?? 0)
    : (wireStartMs ?? events[0]?.atMs ?? 0);

  // While live, the snapshot changes at most once per LIVE_REFRESH_MS; so this runs at most that often.
  const layout = useMemo(
    () =>
      window
        ? layoutSequence({ events, messages, me, window, width, height, originMs, rowMinPx, textWidth })
        : null,
    [events, messages, me, window, width, height, originMs, rowMinPx, textWidth],
  );

  // Units newer than what the last render showed animate in; nothing animates on the first render.
  const shownUpTo = useRef<number | null>(null);
  const newestSeq = events.at(-1)?.eventSeq ?? 0;
  const shownSeq = shownUpTo.current;
  const newCount = shownSeq === null ? 0 : events.length - indexAtOrAfter(events, shownSeq + 1);
  const animateAfterSeq =
    shownSeq === null || newCount > MAX_ANIMATED_UNITS_PER_RENDER ? Number.POSITIVE_INFINITY : shownSeq;
  useEffect(() => {
    shownUpTo.current = newestSeq;
  }, [newestSeq]);

  // d3-zoom reports wheel, drag and pinch gestures; each one rescales the window it started from.
  const windowRef = useRef(window);
  windowRef.current = window;
  useEffect(() => {
    if (!svg) return;
    let base: ReturnType<typeof scaleLinear<number, number>> | null = null;
    const behavior = zoom<SVGSVGElement, unknown>()
      .filter((event: Event) => !(event instanceof MouseEvent && event.button !== 0))
      .on('start', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
        const current = windowRef.current;
        if (!event.sourceEvent || !current) return;
        base = scaleLinear()
          .domain([current.startMs, current.endMs])
          .range([MARGIN.top, svg.height.baseVal.value - MARGIN.bottom]);
      })
      .on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
        if (!event.sourceEvent || !base) return;
        const [a, b] = event.transform.rescaleY(base).domain();
        setFixedWindow(windowFromDomain([a ?? 0, b ?? 0]));
      })
      .on('end', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
        if (!event.sourceEvent) return;
        base = null;
        // Each gesture starts from identity again: the window, not d3's transform, is the state.
        select(svg).call(behavior.transform, zoomIdentity);
      });
    const selection = select(svg);
    selection.call(behavior).on('dblclick.zoom', null);
    return () => {
      selection.on('.zoom', null);
    };
  }, [svg]);

  const move = (change: (current: TimeWindow) => TimeWindow) => {
    if (window) setFixedWindow(change(window));
  };
  const middle = window ? (window.startMs + window.endMs) / 2 : 0;
  const span = window ? window.endMs - window.startMs : 0;

  const summary = layout
    ? `Sequence diagram, time flowing down: ${layout.unitCount} wire units${window ? ` from ${formatWindow(window, originMs)}` : ''}${layout.bursts.length > 0 ? `, crowded slices of time drawn as ${layout.bursts.length} bursts` : ''}. Tab to a unit, arrow keys move between units, Enter selects a unit or zooms in on a burst.`
    : 'Sequence diagram';

  return (
    <div className="diagram-panel">
      <div className="diagram-toolbar" role="toolbar" aria-label="Time axis">
        <button type="button" onClick={() => move((current) => panWindow(current, -span * PAN_SHARE))}>
          Earlier
        </button>
        <button type="button" onClick={() => move((current) => panWindow(current, span * PAN_SHARE))}>
          Later
        </button>
        <button type="button" onClick={() => move((current) => zoomWindow(current, ZOOM_STEP, middle))}>
          Zoom in
        </button>
        <button type="button" onClick={() => move((current) => zoomWindow(current, 1 / ZOOM_STEP, middle))}>
          Zoom out
        </button>
        <button
          type="button"
          className="follow-live"
          aria-pressed={fixedWindow === null}
          onClick={() => setFixedWindow(null)}
        >
          Follow live
        </button>
        {/* Only the mode is announced: the window's times change with every update while live. */}
        <p className="hint diagram-window">
          <span aria-live="polite">
            {window ? (fixedWindow === null ? 'Following live' : 'Fixed window') : ''}
          </span>
          {window ? ` · ${formatWindow(window, originMs)}` : ''}
        </p>
      </div>
      <div ref={setContainer} className="diagram-scroller">
        {layout ? (
          <SequenceDiagram
            layout={layout}
            svgRef={setSvg}
            selectedEventSeq={selectedEventSeq}
            highlightedMessageSeq={highlightedMessageSeq}
            animateAfterSeq={animateAfterSeq}
            enterMs={BASE_ENTER_MS / speed}
            onSelect={onSelect}
            onZoom={onZoom}
            summary={summary}
          />
        ) : (
          <p className="hint">
            No wire units yet: join a room and chat, and each unit appears here as an arrow.
          </p>
        )}
      </div>
      <details className="diagram-legend">
        <summary>How to read the diagram</summary>
        <p className="hint">
          Time flows down, by the server's clock; the wheel zooms and a drag pans the time axis. Solid arrows
          carry data, thick ones are handshakes, dotted ones are heartbeats and control frames, dashed ones
          open (●) or close (×) a TCP connection; "reused" marks a request on a kept-alive connection. Hatched
          bars on the server are held long polls; banded spans are open SSE streams and WebSockets; red
          hatching is a reconnect gap; ◆ marks units that carried the highlighted message. Rows closer than{' '}
          {rowMinPx} px are spread apart; each unit's exact time is in its tooltip.
        </p>
      </details>
    </div>
  );
}
