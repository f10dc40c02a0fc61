/**
 * The sequence diagram as SVG: props in, markup out. Geometry comes from layoutSequence; colours and
 * dashes are presentation attributes, so an exported SVG looks the same without the page's CSS (which
 * only adds focus, hover, animation and the presenter theme). Never imports the store.
 */
import { type KeyboardEvent, memo, type PointerEvent, type Ref, useState } from 'react';
import {
  type Arrow,
  type ArrowStyle,
  type Burst,
  type Channel,
  DIAGRAM_FONT,
  type Gap,
  type Hold,
  type Lane,
  type Relay,
  relayKey,
  type SequenceLayout,
} from './layout.ts';

export const DIAGRAM_COLORS = {
  in: '#8a5300',
  out: '#1f5f74',
  quiet: '#7d858c',
  tcp: '#4f5961',
  ink: '#1d2428',
  muted: '#5b6670',
  lifeline: '#9aa1a6',
  sse: '#e4eff3',
  websocket: '#ecefe0',
  hold: '#1f5f74',
  gap: '#b3261e',
  highlight: '#d08700',
  background: '#ffffff',
} as const;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

interface StrokeStyle {
  width: number;
  dash: string | undefined;
}

const STROKES: Readonly<Record<ArrowStyle, StrokeStyle>> = {
  data: { width: 1.6, dash: undefined },
  handshake: { width: 2.6, dash: undefined },
  quiet: { width: 1, dash: '2 3' },
  tcp: { width: 1, dash: '6 3' },
};

function colorOf(arrow: Arrow): string {
  if (arrow.style === 'quiet') return DIAGRAM_COLORS.quiet;
  if (arrow.style === 'tcp') return DIAGRAM_COLORS.tcp;
  return DIAGRAM_COLORS[arrow.dir];
}

function headOf(arrow: Arrow): string {
  if (arrow.style === 'quiet') return 'url(#seq-head-quiet)';
  if (arrow.unit === 'tcp-close') return 'url(#seq-cross)';
  if (arrow.style === 'tcp') return 'url(#seq-head-tcp)';
  return `url(#seq-head-${arrow.dir})`;
}

function Defs() {
  const head = (id: string, color: string) => (
    <marker
      id={id}
      viewBox="0 0 10 10"
      refX="9"
      refY="5"
      markerWidth="9"
      markerHeight="9"
      markerUnits="userSpaceOnUse"
      orient="auto-start-reverse"
    >
      <path d="M0,0 L10,5 L0,10 z" fill={color} />
    </marker>
  );
  return (
    <defs>
      {head('seq-head-in', DIAGRAM_COLORS.in)}
      {head('seq-head-out', DIAGRAM_COLORS.out)}
      {head('seq-head-quiet', DIAGRAM_COLORS.quiet)}
      {head('seq-head-tcp', DIAGRAM_COLORS.tcp)}
      <marker
        id="seq-head-relay"
        viewBox="0 0 10 10"
        refX="9"
        refY="5"
        markerWidth="8"
        markerHeight="8"
        markerUnits="userSpaceOnUse"
        orient="auto"
      >
        <path d="M0,0 L10,5 L0,10" fill="none" stroke={DIAGRAM_COLORS.muted} strokeWidth="1.5" />
      </marker>
      <marker
        id="seq-dot"
        viewBox="0 0 10 10"
        refX="5"
        refY="5"
        markerWidth="7"
        markerHeight="7"
        markerUnits="userSpaceOnUse"
      >
        <circle cx="5" cy="5" r="4" fill={DIAGRAM_COLORS.tcp} />
      </marker>
      <marker
        id="seq-cross"
        viewBox="0 0 10 10"
        refX="5"
        refY="5"
        markerWidth="10"
        markerHeight="10"
        markerUnits="userSpaceOnUse"
      >
        <path d="M1,1 L9,9 M9,1 L1,9" stroke={DIAGRAM_COLORS.tcp} strokeWidth="2" />
      </marker>
      <pattern
        id="seq-hatch-hold"
        width="6"
        height="6"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect width="6" height="6" fill="#d6e6ec" />
        <line x1="0" y1="0" x2="0" y2="6" stroke={DIAGRAM_COLORS.hold} strokeWidth="2" />
      </pattern>
      <pattern
        id="seq-hatch-gap"
        width="8"
        height="8"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(-45)"
      >
        <rect width="8" height="8" fill="#fbeeed" />
        <line x1="0" y1="0" x2="0" y2="8" stroke="#e7b7b3" strokeWidth="2" />
      </pattern>
    </defs>
  );
}

function LaneView({ lane, top, bottom }: { lane: Lane; top: number; bottom: number }) {
  const isServer = lane.kind === 'server';
  return (
    <g className={`seq-lane seq-lane-${lane.kind}`} data-lane={lane.id}>
      {lane.title !== '' && <title>{lane.title}</title>}
      <line
        className="seq-lifeline"
        x1={lane.x}
        y1={top - 8}
        x2={lane.x}
        y2={bottom}
        stroke={DIAGRAM_COLORS.lifeline}
        strokeWidth={isServer ? 2 : 1.2}
        strokeDasharray={lane.kind === 'participant' ? '4 4' : undefined}
      />
      <text
        className="seq-lane-label"
        x={lane.x}
        y={top - 30}
        textAnchor="middle"
        fontWeight="700"
        fontSize={DIAGRAM_FONT.normal.laneLabelPx}
      >
        {lane.label}
      </text>
      {lane.sublabel !== '' && (
        <text
          className="seq-lane-sublabel"
          x={lane.x}
          y={top - 15}
          textAnchor="middle"
          fontSize={DIAGRAM_FONT.normal.laneSublabelPx}
          fill={DIAGRAM_COLORS.muted}
        >
          {lane.sublabel}
        </text>
      )}
    </g>
  );
}

/** Rough width of 10 px text: enough to tell whether a label fits along a span. */
const CHAR_WIDTH_PX = 5.6;
function fitsAlong(text: string, lengthPx: number): boolean {
  return text.length * CHAR_WIDTH_PX + 8 <= lengthPx;
}

function ChannelView({ channel }: { channel: Channel }) {
  const height = Math.max(1, channel.y2 - channel.y1);
  const fill = channel.kind === 'sse' ? DIAGRAM_COLORS.sse : DIAGRAM_COLORS.websocket;
  const wall = channel.kind === 'sse' ? DIAGRAM_COLORS.out : '#5e6b2d';
  const short = `${channel.kind === 'sse' ? 'SSE' : 'WebSocket'} #${channel.connId}`;
  const label = fitsAlong(channel.label, height) ? channel.label : fitsAlong(short, height) ? short : null;
  return (
    <g className={`seq-channel seq-channel-${channel.kind}`} data-conn={channel.connId}>
      <title>{channel.label}</title>
      <rect x={channel.x1} y={channel.y1} width={channel.x2 - channel.x1} height={height} fill={fill} />
      <line
        x1={channel.x1 + 3}
        y1={channel.y1}
        x2={channel.x1 + 3}
        y2={channel.y2}
        stroke={wall}
        strokeWidth="3"
      />
      <line
        x1={channel.x2 - 3}
        y1={channel.y1}
        x2={channel.x2 - 3}
        y2={channel.y2}
        stroke={wall}
        strokeWidth="3"
      />
      {label !== null && (
        // Beside the browser lifeline, along the channel: arrows cross the inside of the band.
        <text
          className="seq-channel-label"
          transform={`translate(${channel.x1 - 8} ${channel.y1 + height / 2}) rotate(-90)`}
          textAnchor="middle"
          fontSize="10"
          fontStyle="italic"
          fill={wall}
        >
          {label}
        </text>
      )}
    </g>
  );
}

function HoldView({ hold }: { hold: Hold }) {
  const height = Math.max(2, hold.y2 - hold.y1);
  return (
    <g className="seq-hold" data-conn={hold.connId}>
      <title>{`Long poll ${hold.label}`}</title>
      <rect
        x={hold.x}
        y={hold.y1}
        width={10}
        height={height}
        fill="url(#seq-hatch-hold)"
        stroke={DIAGRAM_COLORS.hold}
        strokeWidth="1"
        strokeDasharray={hold.isOpen ? '3 2' : undefined}
      />
      {height > 16 && (
        // At the top of the bar: the message that ends a hold arrives at its bottom, with its relay mark.
        <text x={hold.x + 14} y={hold.y1 + 12} fontSize="10" fill={DIAGRAM_COLORS.hold}>
          {hold.label}
        </text>
      )}
    </g>
  );
}

function GapView({ gap }: { gap: Gap }) {
  const height = Math.max(2, gap.y2 - gap.y1);
  return (
    <g className="seq-gap">
      <title>{gap.label}</title>
      <rect
        x={gap.x1}
        y={gap.y1}
        width={gap.x2 - gap.x1}
        height={height}
        fill="url(#seq-hatch-gap)"
        stroke={DIAGRAM_COLORS.gap}
        strokeDasharray="5 3"
      />
      <text
        x={(gap.x1 + gap.x2) / 2}
        y={gap.y1 + height / 2 + 4}
        textAnchor="middle"
        fontSize="11"
        fontWeight="700"
        fill={DIAGRAM_COLORS.gap}
      >
        {gap.label}
      </text>
    </g>
  );
}

/**
 * Rows are drawn at y = 0 inside a group translated to their row: when the window slides or a crowded
 * diagram re-spreads its rows, a row that moved changes one attribute, and React skips its contents.
 */
const rowTransform = (y: number) => `translate(0 ${y})`;

function sameRelay(a: Relay, b: Relay): boolean {
  return (
    a === b ||
    (a.key === b.key &&
      a.y === b.y &&
      a.x1 === b.x1 &&
      a.x2 === b.x2 &&
      a.label === b.label &&
      a.from === b.from)
  );
}

/** A message committed by another participant: a dotted line from their lane to the server's lifeline. */
function RelayLine({
  fromX,
  serverX,
  strokeWidth,
  dash,
}: {
  fromX: number;
  serverX: number;
  strokeWidth: number;
  dash: string;
}) {
  return (
    <line
      x1={fromX}
      y1={0}
      // Past the lifeline by the marker's depth, so the open head ends on the line.
      x2={serverX + 6}
      y2={0}
      stroke={DIAGRAM_COLORS.muted}
      strokeWidth={strokeWidth}
      strokeDasharray={dash}
      markerEnd="url(#seq-head-relay)"
    />
  );
}

const RelayView = memo(
  function RelayView({
    relay,
    showLabel,
    hasTitle,
  }: {
    relay: Relay;
    showLabel: boolean;
    hasTitle: boolean;
  }) {
    return (
      <g className="seq-relay" data-relay-seq={relay.seq} transform={rowTransform(relay.y)}>
        {hasTitle && (
          <title>{`${relay.label}, committed at the server (its bytes are in ${relay.from}'s own capture)`}</title>
        )}
        <RelayLine fromX={relay.x1} serverX={relay.x2} strokeWidth={1} dash="1 3" />
        {showLabel && (
          <text
            x={(relay.x1 + relay.x2) / 2}
            y={-4}
            textAnchor="middle"
            fontSize="10"
            fill={DIAGRAM_COLORS.muted}
          >
            {relay.label}
          </text>
        )}
      </g>
    );
  },
  (before, after) =>
    before.showLabel === after.showLabel &&
    before.hasTitle === after.hasTitle &&
    sameRelay(before.relay, after.relay),
);

interface ArrowViewProps {
  arrow: Arrow;
  isSelected: boolean;
  isHighlighted: boolean;
  showLabel: boolean;
  /** The tooltip with the unit's exact time (see `titled` in SequenceDiagram). */
  hasTitle: boolean;
  isNew: boolean;
  onSelect: ((eventSeq: number) => void) | undefined;
}

/** Arrow keys move between arrows, in time order: the diagram is one long list of units. */
function moveFocus(event: KeyboardEvent<SVGGElement>) {
  const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
  if (step === 0) return false;
  const sibling =
    step > 0 ? event.currentTarget.nextElementSibling : event.currentTarget.previousElementSibling;
  if (sibling instanceof SVGGElement) sibling.focus();
  return true;
}

/** A row's keys, as a button's: Enter or Space acts, and arrow keys move to the next or previous row. */
function rowKeys(act: () => void) {
  return (event: KeyboardEvent<SVGGElement>) => {
    if (moveFocus(event)) {
      event.preventDefault();
      return;
    }
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    act();
  };
}

interface ArrowBodyProps {
  arrow: Arrow;
  isSelected: boolean;
  isHighlighted: boolean;
  showLabel: boolean;
  hasTitle: boolean;
  isEntering: boolean;
}

/** What an arrow draws, at y = 0: its row's group places it. */
const ArrowBody = memo(
  function ArrowBody({ arrow, isSelected, isHighlighted, showLabel, hasTitle, isEntering }: ArrowBodyProps) {
    const stroke = STROKES[arrow.style];
    const color = colorOf(arrow);
    const midX = (arrow.x1 + arrow.x2) / 2;
    // Near the sender, clear of the label in the middle.
    const markX = arrow.x1 + (arrow.x2 - arrow.x1) * 0.12;
    const left = Math.min(arrow.x1, arrow.x2);
    const width = Math.abs(arrow.x2 - arrow.x1);
    return (
      <>
        {hasTitle && <title>{`${arrow.ariaLabel}, at ${arrow.timeLabel}`}</title>}
        {isSelected && (
          <rect
            className="seq-selection"
            x={left - 6}
            y={-16}
            width={width + 12}
            height={22}
            rx="4"
            fill="none"
            stroke={DIAGRAM_COLORS.ink}
            strokeWidth="1.5"
            strokeDasharray="4 2"
          />
        )}
        <line
          className="seq-hit"
          x1={arrow.x1}
          y1={0}
          x2={arrow.x2}
          y2={0}
          stroke="transparent"
          strokeWidth="12"
        />
        <line
          className="seq-line"
          x1={arrow.x1}
          y1={0}
          x2={arrow.x2}
          y2={0}
          stroke={color}
          strokeWidth={isHighlighted ? stroke.width + 2 : stroke.width}
          strokeDasharray={stroke.dash}
          markerStart={
            arrow.style === 'tcp'
              ? arrow.unit === 'tcp-close'
                ? 'url(#seq-cross)'
                : 'url(#seq-dot)'
              : undefined
          }
          markerEnd={headOf(arrow)}
          style={isEntering ? { transformOrigin: `${arrow.x1}px 0px` } : undefined}
        />
        {isHighlighted && (
          <path
            className="seq-highlight-mark"
            d={`M${markX},-6 l6,6 l-6,6 l-6,-6 z`}
            fill={DIAGRAM_COLORS.highlight}
            stroke={DIAGRAM_COLORS.ink}
            strokeWidth="1"
          />
        )}
        {showLabel && (
          <text
            className="seq-arrow-label"
            x={midX}
            y={-4}
            textAnchor="middle"
            // The layout fits labels at arrowLabelPx; quiet ones are drawn a size smaller, so they fit too.
            fontSize={
              arrow.style === 'quiet' || arrow.style === 'tcp'
                ? DIAGRAM_FONT.normal.arrowLabelPx - 1
                : DIAGRAM_FONT.normal.arrowLabelPx
            }
            fontStyle={arrow.style === 'quiet' ? 'italic' : undefined}
            fontWeight={isHighlighted ? 700 : undefined}
            fill={
              arrow.style === 'quiet' || arrow.style === 'tcp' ? DIAGRAM_COLORS.muted : DIAGRAM_COLORS.ink
            }
          >
            {arrow.hasError ? `⚠ ${arrow.label}` : arrow.label}
          </text>
        )}
      </>
    );
  },
  (before, after) =>
    before.isSelected === after.isSelected &&
    before.isHighlighted === after.isHighlighted &&
    before.showLabel === after.showLabel &&
    before.hasTitle === after.hasTitle &&
    before.isEntering === after.isEntering &&
    sameArrowBody(before.arrow, after.arrow),
);

const ArrowView = memo(
  function ArrowView({
    arrow,
    isSelected,
    isHighlighted,
    showLabel,
    hasTitle,
    isNew,
    onSelect,
  }: ArrowViewProps) {
    // Decided once, at mount: a unit animates in when it is new on the wire, never again on re-render.
    const [isEntering] = useState(isNew);
    const classes = [
      'seq-arrow',
      `seq-style-${arrow.style}`,
      isSelected ? 'is-selected' : '',
      isHighlighted ? 'is-highlighted' : '',
      arrow.hasError ? 'has-error' : '',
      isEntering ? 'is-entering' : '',
    ].filter((name) => name !== '');
    const select = () => onSelect?.(arrow.eventSeq);
    return (
      // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; a focusable group is the SVG way
      <g
        className={classes.join(' ')}
        transform={rowTransform(arrow.y)}
        data-unit={arrow.unit}
        data-dir={arrow.dir}
        // Space-separated, so a selector can match one seq with [data-seqs~="12"].
        data-seqs={arrow.seqs.join(' ')}
        data-event-seq={arrow.eventSeq}
        data-opcode={arrow.opcode ?? undefined}
        data-highlighted={isHighlighted ? 'true' : undefined}
        role="button"
        tabIndex={0}
        aria-label={arrow.ariaLabel}
        aria-pressed={isSelected}
        onClick={select}
        onKeyDown={rowKeys(select)}
      >
        <ArrowBody
          arrow={arrow}
          isSelected={isSelected}
          isHighlighted={isHighlighted}
          showLabel={showLabel}
          hasTitle={hasTitle}
          isEntering={isEntering}
        />
      </g>
    );
  },
  (before, after) =>
    before.isSelected === after.isSelected &&
    before.isHighlighted === after.isHighlighted &&
    before.showLabel === after.showLabel &&
    before.hasTitle === after.hasTitle &&
    before.onSelect === after.onSelect &&
    (before.arrow === after.arrow ||
      (before.arrow.y === after.arrow.y && sameArrowBody(before.arrow, after.arrow))),
);

/** Arrows and bursts by row, top to bottom (each list is already in time order). */
function rowsInTimeOrder(layout: SequenceLayout): Array<Arrow | Burst> {
  if (layout.bursts.length === 0) return [...layout.arrows];
  return [...layout.arrows, ...layout.bursts].sort((a, b) => a.y - b.y);
}

/** Layouts are rebuilt every frame; an arrow whose drawing did not change need not re-render (y aside). */
function sameArrowBody(a: Arrow, b: Arrow): boolean {
  return (
    a === b ||
    (a.eventSeq === b.eventSeq &&
      a.x1 === b.x1 &&
      a.x2 === b.x2 &&
      a.label === b.label &&
      a.ariaLabel === b.ariaLabel &&
      a.timeLabel === b.timeLabel &&
      a.style === b.style &&
      a.opcode === b.opcode &&
      a.hasError === b.hasError &&
      a.seqs === b.seqs)
  );
}

/** A burst's line gets thicker with its count, up to this width, px. */
const MAX_BURST_STROKE_PX = 7;
const burstStroke = (count: number) => Math.min(MAX_BURST_STROKE_PX, 1.6 + Math.log2(count));

/** One direction of a burst: thicker with more units. */
function BurstLine({
  dir,
  count,
  fromX,
  toX,
  y,
}: {
  dir: 'in' | 'out';
  count: number;
  fromX: number;
  toX: number;
  y: number;
}) {
  return (
    <line
      className="seq-line"
      x1={fromX}
      y1={y}
      x2={toX}
      y2={y}
      stroke={DIAGRAM_COLORS[dir]}
      strokeWidth={burstStroke(count)}
      markerEnd={`url(#seq-head-${dir})`}
    />
  );
}

/** What a burst draws, at y = 0: a thick arrow per direction it carried, and its relays' line. */
const BurstBody = memo(
  function BurstBody({
    burst,
    isSelected,
    isHighlighted,
    showLabel,
  }: {
    burst: Burst;
    isSelected: boolean;
    isHighlighted: boolean;
    showLabel: boolean;
  }) {
    const left = Math.min(burst.x1, burst.x2);
    const width = Math.abs(burst.x2 - burst.x1);
    return (
      <>
        <title>{burst.ariaLabel}</title>
        {(isSelected || isHighlighted) && (
          <rect
            className="seq-selection"
            x={left - 6}
            y={-16}
            width={width + 12}
            height={26}
            rx="4"
            fill="none"
            stroke={isSelected ? DIAGRAM_COLORS.ink : DIAGRAM_COLORS.highlight}
            strokeWidth="1.5"
            strokeDasharray={isSelected ? '4 2' : undefined}
          />
        )}
        <rect className="seq-hit" x={left} y={-8} width={width} height={16} fill="transparent" />
        {burst.inCount > 0 && (
          <BurstLine dir="in" count={burst.inCount} fromX={burst.x1} toX={burst.x2} y={-3} />
        )}
        {burst.outCount > 0 && (
          <BurstLine dir="out" count={burst.outCount} fromX={burst.x2} toX={burst.x1} y={3} />
        )}
        {burst.relayCount > 0 && (
          <RelayLine fromX={burst.relayX} serverX={burst.x2} strokeWidth={1.5} dash="2 3" />
        )}
        {showLabel && (
          <text
            className="seq-arrow-label"
            x={(burst.x1 + burst.x2) / 2}
            y={-7}
            textAnchor="middle"
            fontSize="11"
            fontWeight="700"
            fill={DIAGRAM_COLORS.ink}
          >
            {burst.label}
          </text>
        )}
      </>
    );
  },
  (before, after) =>
    before.isSelected === after.isSelected &&
    before.isHighlighted === after.isHighlighted &&
    before.showLabel === after.showLabel &&
    sameBurstBody(before.burst, after.burst),
);

/** A following window moves every burst each refresh; only the newest one's contents change. */
function sameBurstBody(a: Burst, b: Burst): boolean {
  return (
    a === b ||
    (a.key === b.key &&
      a.eventSeqs.length === b.eventSeqs.length &&
      a.relayCount === b.relayCount &&
      a.relayX === b.relayX &&
      a.x1 === b.x1 &&
      a.x2 === b.x2 &&
      a.label === b.label &&
      a.ariaLabel === b.ariaLabel)
  );
}

interface BurstViewProps {
  burst: Burst;
  selectedEventSeq: number | null;
  highlightedMessageSeq: number | null;
  showLabel: boolean;
  onZoom: ((startMs: number, endMs: number) => void) | undefined;
}

function BurstView({ burst, selectedEventSeq, highlightedMessageSeq, showLabel, onZoom }: BurstViewProps) {
  const isSelected = selectedEventSeq !== null && burst.eventSeqs.includes(selectedEventSeq);
  const isHighlighted = highlightedMessageSeq !== null && burst.seqs.includes(highlightedMessageSeq);
  const zoom = () => onZoom?.(burst.startMs, burst.startMs + burst.spanMs);
  return (
    // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; a focusable group is the SVG way
    <g
      className={`seq-burst${isSelected ? ' is-selected' : ''}${isHighlighted ? ' is-highlighted' : ''}`}
      transform={rowTransform(burst.y)}
      data-units={burst.eventSeqs.length}
      data-relays={burst.relayCount}
      data-start-ms={burst.startMs}
      data-span-ms={burst.spanMs}
      data-highlighted={isHighlighted ? 'true' : undefined}
      role="button"
      tabIndex={0}
      aria-label={burst.ariaLabel}
      onClick={zoom}
      onKeyDown={rowKeys(zoom)}
    >
      <BurstBody burst={burst} isSelected={isSelected} isHighlighted={isHighlighted} showLabel={showLabel} />
    </g>
  );
}

export interface SequenceDiagramProps {
  layout: SequenceLayout;
  selectedEventSeq: number | null;
  highlightedMessageSeq: number | null;
  /** Arrows of units after this eventSeq animate in as they mount; pass Infinity for none. */
  animateAfterSeq: number;
  /** How long an arrow takes to draw in, ms (slow motion stretches it). */
  enterMs: number;
  onSelect?: (eventSeq: number) => void;
  /** A burst was chosen: show its slice of time, where its units are drawn one by one. */
  onZoom?: (startMs: number, endMs: number) => void;
  svgRef?: Ref<SVGSVGElement>;
  /** Said first by a screen reader: what this diagram shows. */
  summary: string;
}

export function SequenceDiagram({
  layout,
  selectedEventSeq,
  highlightedMessageSeq,
  animateAfterSeq,
  enterMs,
  onSelect,
  onZoom,
  svgRef,
  summary,
}: SequenceDiagramProps) {
  const { width, height, top, bottom } = layout;
  // Crowded (rows too close for labels), only the arrow or mark under the pointer carries its tooltip: at
  // hundreds of units a second a <title> per row was two of every five elements created and removed.
  const [pointed, setPointed] = useState<string | null>(null);
  const titled = (key: string) => layout.showLabels || pointed === key;
  const onPointerOver = (event: PointerEvent<SVGSVGElement>) => {
    const target = event.target instanceof Element ? event.target : null;
    const arrowSeq = target?.closest('[data-event-seq]')?.getAttribute('data-event-seq');
    const relaySeq = target?.closest('[data-relay-seq]')?.getAttribute('data-relay-seq');
    setPointed(arrowSeq ? `arrow-${arrowSeq}` : relaySeq ? relayKey(relaySeq) : null);
  };
  return (
    <svg
      ref={svgRef}
      xmlns="http://www.w3.org/2000/svg"
      className="sequence-diagram"
      data-diagram="sequence"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      aria-label={summary}
      fontFamily={FONT}
      fontSize="11"
      style={{ ['--seq-enter-ms' as string]: `${Math.round(enterMs)}ms` }}
      onPointerOver={layout.showLabels ? undefined : onPointerOver}
    >
      <Defs />
      <rect className="seq-background" width={width} height={height} fill={DIAGRAM_COLORS.background} />
      <g className="seq-axis">
        <text className="seq-axis-caption" x={4} y={bottom + 18} fontSize="10" fill={DIAGRAM_COLORS.muted}>
          server time ↓
        </text>
        <line x1={layout.axisX} y1={top} x2={layout.axisX} y2={bottom} stroke={DIAGRAM_COLORS.lifeline} />
        {layout.ticks.map((tick) => (
          <g key={tick.label} className="seq-tick">
            <line
              x1={layout.axisX - 4}
              y1={tick.y}
              x2={layout.axisX}
              y2={tick.y}
              stroke={DIAGRAM_COLORS.muted}
            />
            <line x1={layout.axisX} y1={tick.y} x2={width - 8} y2={tick.y} stroke="#eceae4" strokeWidth="1" />
            <text
              x={layout.axisX - 6}
              y={tick.y + 3.5}
              textAnchor="end"
              fontSize="10"
              fill={DIAGRAM_COLORS.muted}
            >
              {tick.label}
            </text>
          </g>
        ))}
      </g>
      <g className="seq-channels">
        {layout.channels.map((channel) => (
          <ChannelView key={channel.key} channel={channel} />
        ))}
      </g>
      <g className="seq-gaps">
        {layout.gaps.map((gap) => (
          <GapView key={gap.key} gap={gap} />
        ))}
      </g>
      <g className="seq-lanes">
        {layout.lanes.map((lane) => (
          <LaneView key={lane.id} lane={lane} top={top} bottom={bottom} />
        ))}
      </g>
      <g className="seq-holds">
        {layout.holds.map((hold) => (
          <HoldView key={hold.key} hold={hold} />
        ))}
      </g>
      <g className="seq-relays">
        {layout.relays.map((relay) => (
          <RelayView
            key={relay.key}
            relay={relay}
            showLabel={layout.showLabels}
            hasTitle={titled(relay.key)}
          />
        ))}
      </g>
      {/* Arrows and bursts in one group, in time order: arrow keys step through them as the diagram reads. */}
      <g className="seq-arrows">
        {rowsInTimeOrder(layout).map((row) =>
          'eventSeqs' in row ? (
            <BurstView
              key={row.key}
              burst={row}
              selectedEventSeq={selectedEventSeq}
              highlightedMessageSeq={highlightedMessageSeq}
              showLabel={layout.showLabels}
              onZoom={onZoom}
            />
          ) : (
            <ArrowView
              key={row.eventSeq}
              arrow={row}
              isSelected={row.eventSeq === selectedEventSeq}
              isHighlighted={highlightedMessageSeq !== null && row.seqs.includes(highlightedMessageSeq)}
              showLabel={layout.showLabels}
              hasTitle={titled(`arrow-${row.eventSeq}`)}
              isNew={row.eventSeq > animateAfterSeq}
              onSelect={onSelect}
            />
          ),
        )}
      </g>
      {layout.unitCount === 0 && (
        <text x={width / 2} y={(top + bottom) / 2} textAnchor="middle" fill={DIAGRAM_COLORS.muted}>
          No wire units in this time window.
        </text>
      )}
    </svg>
  );
}
