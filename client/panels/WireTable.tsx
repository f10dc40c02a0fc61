import { type KeyboardEvent, memo, useMemo } from 'react';
import type { WireEvent } from '../../protocol/inspect.ts';
import { closeCodeName } from '../../protocol/wire/ws-names.ts';
import { useWirelab } from '../store/index.ts';
import { DIRECTION_TEXT, eventDetail, formatRelativeMs } from './wire-format.ts';
import { useWireSnapshot } from './wire-snapshot.ts';

/** Rows in the table; the full ring stays in the store for the other views. */
export const WIRE_TABLE_ROWS = 50;

/** The WebSocket words a row needs beyond the opcode: compressed, which fragment, the close code by name. */
function rowDetail(event: WireEvent): string {
  const ws = event.ws;
  const extra: string[] = [];
  if (ws) {
    if (ws.rsv1) extra.push('compressed');
    if (ws.fragment !== undefined && (ws.fragment > 1 || !ws.fin))
      extra.push(ws.fin ? `last of ${ws.fragment} fragments` : `fragment ${ws.fragment}`);
    if (ws.closeCode !== null) extra.push(`${ws.closeCode} ${closeCodeName(ws.closeCode)}`);
  }
  const closing = event.wsClosing;
  if (closing && closing.fromServer === null) extra.push('no Close frame: browser sees 1006');
  const base = eventDetail(event);
  return [base, ...extra].filter((part) => part !== '').join(' · ');
}

// Every value reaches the DOM as a React text child: decoded paths and errors are never parsed as HTML.
const WireRow = memo(function WireRow({
  event,
  startMs,
  selected,
  focusable,
  onSelect,
}: {
  event: WireEvent;
  startMs: number;
  selected: boolean;
  /** The one row in the tab order (roving tabindex): the selected one, else the newest. */
  focusable: boolean;
  onSelect(eventSeq: number): void;
}) {
  const onKeyDown = (keyEvent: KeyboardEvent<HTMLTableRowElement>) => {
    if (keyEvent.key === 'Enter' || keyEvent.key === ' ') {
      keyEvent.preventDefault();
      onSelect(event.eventSeq);
    } else if (keyEvent.key === 'ArrowDown' || keyEvent.key === 'ArrowUp') {
      const sibling =
        keyEvent.key === 'ArrowDown'
          ? keyEvent.currentTarget.nextElementSibling
          : keyEvent.currentTarget.previousElementSibling;
      if (sibling instanceof HTMLElement) {
        keyEvent.preventDefault();
        sibling.focus();
      }
    }
  };
  return (
    // Rows are selectable (the frame inspector shows the selected one): click, or Enter/Space when focused;
    // arrow keys move between rows.
    <tr
      className="wire-row"
      tabIndex={focusable ? 0 : -1}
      aria-selected={selected}
      data-selected={selected ? 'true' : undefined}
      data-event-seq={event.eventSeq}
      onClick={() => onSelect(event.eventSeq)}
      onKeyDown={onKeyDown}
      data-unit={event.unit}
      data-dir={event.dir}
      data-transport={event.transport}
      data-path={event.path}
      // Space-separated, so a selector can match one seq with [data-seqs~="12"].
      data-seqs={event.messageSeqs.join(' ')}
    >
      <td className="num">{formatRelativeMs(event.atMs - startMs)}</td>
      <td className="dir">{DIRECTION_TEXT[event.dir]}</td>
      <td>{event.unit}</td>
      <td>{event.transport}</td>
      <td className="detail">{rowDetail(event)}</td>
      <td className="num">{event.byteLength}</td>
      <td className="num">{event.messageSeqs.join(', ')}</td>
    </tr>
  );
});

export function WireTable() {
  const { events } = useWireSnapshot();
  const startMs = useWirelab((state) => state.wireStartMs);
  const selectedSeq = useWirelab((state) => state.selectedEventSeq);
  const selectEvent = useWirelab((state) => state.selectEvent);
  // While live the snapshot changes at most once per LIVE_REFRESH_MS, so this runs at most that often.
  const recent = useMemo(() => events.slice(-WIRE_TABLE_ROWS).reverse(), [events]);
  if (recent.length === 0 || startMs === null) return null;
  const focusSeq = recent.some((event) => event.eventSeq === selectedSeq) ? selectedSeq : recent[0]?.eventSeq;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <div className="wire-table-scroller" tabIndex={0}>
      <table className="wire-table">
        <caption>Recent wire events, newest first</caption>
        <thead>
          <tr>
            <th scope="col" title="Milliseconds since the first event this page saw, by the server clock">
              Time (ms)
            </th>
            <th scope="col">Direction</th>
            <th scope="col">Unit</th>
            <th scope="col">Transport</th>
            <th scope="col">Detail</th>
            <th scope="col">Bytes</th>
            <th scope="col" title="Chat message seqs this unit carried">
              Seqs
            </th>
          </tr>
        </thead>
        <tbody>
          {recent.map((event) => (
            <WireRow
              key={event.eventSeq}
              event={event}
              startMs={startMs}
              selected={event.eventSeq === selectedSeq}
              focusable={event.eventSeq === focusSeq}
              onSelect={selectEvent}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
