import './frame.css';
import { useCallback, useMemo, useState } from 'react';
import type { WireEvent } from '../../../protocol/inspect.ts';
import { BitDiagram } from './BitDiagram.tsx';
import { bitDiagram } from './bit-diagram.ts';
import { FieldList } from './FieldList.tsx';
import { byteCount, type FieldKey, parseFieldKey } from './field-format.ts';
import { HexGrid, hoverReadout } from './HexGrid.tsx';
import {
  BYTES_PER_ROW,
  cellAt,
  decodeBase64,
  HEX_BYTES_PER_PAGE,
  hexRows,
  ownerAt,
  textRangesOf,
} from './hex-grid.ts';
import { fieldHighlight, type Highlight, layerHighlight, ownerHighlight } from './highlight.ts';
import { acceptComputation, headLines } from './http-head.ts';
import { sseDispatches } from './sse-dispatch.ts';
import { AcceptStepsView, HeadLinesView, SseDispatchView } from './UnitViews.tsx';
import { CloseCodeView, ClosingView, FragmentView, type MessageFrameLink, MessageView } from './WsViews.tsx';
import { closeView, closingLines, fragmentNote, messageView } from './ws-views.ts';
import { XorTable } from './XorTable.tsx';
import { payloadRange, xorTable } from './xor.ts';

export interface FrameInspectorProps {
  event: WireEvent;
  /** The request this unit answers (for a 101: the upgrade request with its Sec-WebSocket-Key). */
  context?: WireEvent | null;
  /** A field lit up from the start, as if pinned (used by the golden files). */
  initialField?: FieldKey | null;
  /** 16 as in a packet dump; 8 doubles the type size for the presenter theme. */
  bytesPerRow?: number;
  /** For a WebSocket data frame: every frame of its message (the caller finds them by messageIndex). */
  messageFrames?: readonly MessageFrameLink[];
  /** Moves the inspector to another event (a sibling fragment). */
  onSelectEvent?: (eventSeq: number) => void;
}

const DIRECTION: Readonly<Record<WireEvent['dir'], string>> = {
  in: 'browser → server',
  out: 'server → browser',
};

function frameSummary(event: WireEvent): string {
  const ws = event.ws;
  if (!ws) return '';
  const key = ws.maskingKey ? ` · masking key ${ws.maskingKey}` : '';
  const close = ws.closeCode !== null ? ` · close code ${ws.closeCode}` : '';
  const fragment =
    ws.fragment !== undefined && (ws.fragment > 1 || !ws.fin)
      ? ` · fragment ${ws.fragment}${ws.fin ? ' (last)' : ''}`
      : '';
  const rsv1 = ws.rsv1 ? ' · RSV1 1 (compressed)' : '';
  return `FIN ${ws.fin ? 1 : 0}${rsv1}${fragment} · opcode ${ws.opcode} (${ws.opcodeName}) · MASK ${ws.masked ? 1 : 0} · payload ${byteCount(ws.payloadLength)}${key}${close}`;
}

function requestNote(context: WireEvent | null | undefined): string | null {
  if (context?.unit !== 'ws-handshake' || context.dir !== 'in') return null;
  return `It answers the upgrade request of event #${context.eventSeq}${context.path ? ` (GET ${context.path})` : ''}.`;
}

/**
 * One wire unit, byte by byte: the hex and text grid tinted by layer, every field with its value and
 * meaning, and the view its unit calls for (frame bits and unmasking, SSE dispatch, HTTP head lines, the
 * Accept proof). Pointing at any of them lights the same bytes everywhere. Props in, markup out: no store.
 */
export function FrameInspector({
  event,
  context = null,
  initialField = null,
  bytesPerRow = BYTES_PER_ROW,
  messageFrames = [],
  onSelectEvent,
}: FrameInspectorProps) {
  const bytes = useMemo(() => decodeBase64(event.bytesBase64), [event.bytesBase64]);
  const [byteLimit, setByteLimit] = useState(HEX_BYTES_PER_PAGE);
  const rows = useMemo(
    () => hexRows(bytes, event.layers, textRangesOf(event), byteLimit, bytesPerRow),
    [bytes, event, byteLimit, bytesPerRow],
  );
  const [pinned, setPinned] = useState<FieldKey | null>(initialField);
  const [pointed, setPointed] = useState<Highlight | null>(null);
  const [hoveredByte, setHoveredByte] = useState<number | null>(null);

  const pinnedHighlight = useMemo(() => (pinned ? fieldHighlight(event, pinned) : null), [event, pinned]);
  const highlight = pointed ?? pinnedHighlight;
  const activeField = highlight?.field ?? null;
  const activeLayer = highlight ? highlight.layerIndex : null;

  const pointField = useCallback(
    (key: FieldKey | null) => setPointed(key ? fieldHighlight(event, key) : null),
    [event],
  );
  const pointLayer = useCallback(
    (layerIndex: number | null) => setPointed(layerIndex === null ? null : layerHighlight(event, layerIndex)),
    [event],
  );
  const pinField = useCallback((key: FieldKey) => setPinned((current) => (current === key ? null : key)), []);
  const hoverByte = useCallback(
    (byteOffset: number | null) => {
      setHoveredByte(byteOffset);
      setPointed(byteOffset === null ? null : ownerHighlight(event, ownerAt(event.layers, byteOffset)));
    },
    [event],
  );

  const diagram = useMemo(
    () => (event.unit === 'ws-frame' ? bitDiagram(bytes, event.layers) : null),
    [bytes, event],
  );
  const xor = useMemo(() => {
    const range = payloadRange(event.layers);
    return event.ws?.masked && range ? xorTable(bytes, event.ws.maskingKey, range) : null;
  }, [bytes, event]);
  const dispatches = useMemo(
    () =>
      event.unit === 'sse-event' || event.unit === 'sse-comment' || event.unit === 'http-chunk'
        ? sseDispatches(event.layers)
        : [],
    [event],
  );
  const head = useMemo(
    () =>
      event.unit === 'http-request' || event.unit === 'http-response' || event.unit === 'ws-handshake'
        ? headLines(bytes, event.layers, event.byteLength)
        : null,
    [bytes, event],
  );
  const accept = useMemo(() => acceptComputation(event.layers), [event.layers]);
  const message = useMemo(() => messageView(event), [event]);
  const fragment = fragmentNote(event);
  const close = closeView(event);
  const closing = closingLines(event);
  const links = { frames: messageFrames, currentSeq: event.eventSeq, onSelectEvent };
  const payloadLayer = useMemo(() => {
    const range = payloadRange(event.layers);
    return range ? event.layers.findIndex((layer) => layer.byteOffset === range.byteOffset) : -1;
  }, [event.layers]);

  const hoveredCell = hoveredByte === null ? undefined : cellAt(rows, hoveredByte, bytesPerRow);
  const shownBytes = Math.min(bytes.length, byteLimit);
  const pinnedName = pinned
    ? event.layers[parseFieldKey(pinned).layerIndex]?.fields[parseFieldKey(pinned).fieldIndex]?.name
    : undefined;

  return (
    <section
      className="frame-inspector"
      aria-label={`Bytes of event #${event.eventSeq}`}
      data-event-seq={event.eventSeq}
      data-unit={event.unit}
      data-dir={event.dir}
      data-fin={event.ws ? (event.ws.fin ? 1 : 0) : undefined}
      data-opcode={event.ws?.opcode}
      data-masked={event.ws ? (event.ws.masked ? 1 : 0) : undefined}
      data-payload-length={event.ws?.payloadLength}
      data-masking-key={event.ws?.maskingKey ?? undefined}
    >
      <header className="frame-head">
        <h3>
          <span className="frame-unit">{event.unit}</span>{' '}
          <span className="frame-dir">{DIRECTION[event.dir]}</span>{' '}
          <span className="frame-size">{byteCount(event.byteLength)}</span>
          <span className="frame-seq">event #{event.eventSeq}</span>
        </h3>
        {event.ws && <p className="frame-summary">{frameSummary(event)}</p>}
        {event.path && event.unit !== 'ws-frame' && <p className="frame-note">Path {event.path}</p>}
        {event.truncated && (
          <p className="frame-note frame-truncated" role="note">
            Truncated: the server kept the first {bytes.length} of {event.byteLength} bytes of this unit.
          </p>
        )}
        {event.error && (
          <p className="frame-error" role="note">
            Decode problem <code>{event.error.code}</code>: {event.error.message}
          </p>
        )}
      </header>

      {bytes.length === 0 ? (
        <p className="frame-note">
          {event.unit === 'tcp-open' || event.unit === 'tcp-close'
            ? `No payload bytes: ${event.unit === 'tcp-open' ? 'the TCP handshake (SYN, SYN-ACK, ACK) opened the connection' : 'the connection was closed (FIN or RST)'}${event.peer ? ` · peer ${event.peer}` : ''}.`
            : 'No bytes were captured for this unit.'}
        </p>
      ) : (
        <div className="frame-bytes">
          <HexGrid
            bytesPerRow={bytesPerRow}
            rows={rows}
            layers={event.layers}
            highlight={highlight}
            hoveredByte={hoveredByte}
            onHoverByte={hoverByte}
            label={`Hex and text of ${shownBytes === event.byteLength ? `all ${byteCount(shownBytes)}` : `the first ${byteCount(shownBytes)} of ${event.byteLength}`}, tinted by layer; the field list below names every byte range.`}
          />
          <p className="hex-readout" aria-live="off">
            {hoverReadout(hoveredCell, highlight, event.layers)}
          </p>
          {shownBytes < bytes.length && (
            <button
              type="button"
              className="frame-more"
              onClick={() => setByteLimit((n) => n + HEX_BYTES_PER_PAGE)}
            >
              Show the next {byteCount(Math.min(HEX_BYTES_PER_PAGE, bytes.length - shownBytes))} (showing{' '}
              {shownBytes} of {bytes.length} captured)
            </button>
          )}
        </div>
      )}

      <div className="frame-views">
        {message && <MessageView view={message} {...links} />}
        {fragment && <FragmentView note={fragment} {...links} />}
        {close && <CloseCodeView view={close} />}
        {closing.length > 0 && <ClosingView lines={closing} />}
        {diagram && <BitDiagram diagram={diagram} activeField={activeField} onPointField={pointField} />}
        {xor && (
          <XorTable
            table={xor}
            isText={event.ws?.opcode === 1 && !event.ws.rsv1}
            onPointPayload={(active) => pointLayer(active && payloadLayer >= 0 ? payloadLayer : null)}
          />
        )}
        {accept && (
          <AcceptStepsView
            accept={accept}
            requestNote={requestNote(context)}
            activeLayer={activeLayer}
            onPointLayer={pointLayer}
          />
        )}
        {head && <HeadLinesView head={head} activeLayer={activeLayer} onPointLayer={pointLayer} />}
        {dispatches.length > 0 && (
          <SseDispatchView dispatches={dispatches} activeLayer={activeLayer} onPointLayer={pointLayer} />
        )}
      </div>

      {event.layers.length > 0 && (
        <section className="frame-fields" aria-label="Fields">
          <h4>
            Fields{' '}
            <span className="frame-note">
              {pinnedName
                ? `pinned: ${pinnedName} (press it again to unpin)`
                : 'point at or focus a field to light up its bytes; press to pin'}
            </span>
          </h4>
          <FieldList
            layers={event.layers}
            activeField={activeField}
            pinnedField={pinned}
            onPointField={pointField}
            onPinField={pinField}
          />
        </section>
      )}
    </section>
  );
}
