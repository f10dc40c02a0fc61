import { type KeyboardEvent, Suspense, useMemo } from 'react';
import type { WireEvent } from '../../protocol/inspect.ts';
import { useWirelab } from '../store/index.ts';
import type { MessageFrameLink } from '../visualizations/frame/WsViews.tsx';
import { FrameInspector } from './lazy-views.ts';
import { usePresenterTheme } from './presenter-theme.ts';
import { useWireSnapshot } from './wire-snapshot.ts';

/** The event a unit answers, for context: a 101 answers the upgrade request on the same connection. */
function contextOf(events: readonly WireEvent[], event: WireEvent): WireEvent | null {
  if (event.unit !== 'ws-handshake' || event.dir !== 'out') return null;
  return (
    events.findLast(
      (other) =>
        other.connId === event.connId &&
        other.unit === 'ws-handshake' &&
        other.dir === 'in' &&
        other.eventSeq < event.eventSeq,
    ) ?? null
  );
}

/** Every frame of the WebSocket message this data frame belongs to (same connection, direction and messageIndex). */
function messageFramesOf(events: readonly WireEvent[], event: WireEvent): MessageFrameLink[] {
  const messageIndex = event.ws?.messageIndex;
  if (messageIndex === undefined) return [];
  const frames: MessageFrameLink[] = [];
  for (const other of events) {
    if (other.connId !== event.connId || other.dir !== event.dir || other.ws?.messageIndex !== messageIndex)
      continue;
    frames.push({ eventSeq: other.eventSeq, fragment: other.ws.fragment ?? 1 });
  }
  return frames;
}

/**
 * The frame inspector for the selected wire event, with previous/next to walk the capture ([ and ] while
 * the panel has focus). The selection is set by the Events table and the sequence diagram.
 */
export function FramePanel() {
  const { events } = useWireSnapshot();
  const selectedSeq = useWirelab((state) => state.selectedEventSeq);
  const selectEvent = useWirelab((state) => state.selectEvent);
  // Projected, eight bytes a row: the grid's type is twice as large in the same width.
  const bytesPerRow = usePresenterTheme() ? 8 : 16;
  const index = useMemo(
    () => (selectedSeq === null ? -1 : events.findIndex((event) => event.eventSeq === selectedSeq)),
    [events, selectedSeq],
  );
  const event = index < 0 ? undefined : events[index];
  const previous = index > 0 ? events[index - 1] : undefined;
  const next = index >= 0 ? events[index + 1] : undefined;
  const context = useMemo(() => (event ? contextOf(events, event) : null), [events, event]);
  const messageFrames = useMemo(() => (event ? messageFramesOf(events, event) : []), [events, event]);

  const onKeyDown = (keyEvent: KeyboardEvent<HTMLElement>) => {
    if (keyEvent.altKey || keyEvent.ctrlKey || keyEvent.metaKey) return;
    const target = keyEvent.key === '[' ? previous : keyEvent.key === ']' ? next : undefined;
    if (!target) return;
    keyEvent.preventDefault();
    selectEvent(target.eventSeq);
  };

  return (
    <section className="frame-panel" aria-label="Frame inspector" onKeyDown={onKeyDown}>
      <div className="frame-panel-bar">
        <h3 className="frame-panel-title">Frame inspector</h3>
        <div className="frame-panel-nav">
          <button
            type="button"
            className="frame-nav"
            disabled={!previous}
            onClick={() => previous && selectEvent(previous.eventSeq)}
            aria-keyshortcuts="["
            title="Previous event ([)"
          >
            ← Previous
          </button>
          <span className="frame-position" aria-live="polite">
            {event
              ? `event #${event.eventSeq} · ${index + 1} of ${events.length}`
              : `${events.length} events`}
          </span>
          <button
            type="button"
            className="frame-nav"
            disabled={!next}
            onClick={() => next && selectEvent(next.eventSeq)}
            aria-keyshortcuts="]"
            title="Next event (])"
          >
            Next →
          </button>
        </div>
      </div>
      {event ? (
        <Suspense fallback={<p className="hint">Loading the frame inspector…</p>}>
          <FrameInspector
            key={event.eventSeq}
            event={event}
            context={context}
            bytesPerRow={bytesPerRow}
            messageFrames={messageFrames}
            onSelectEvent={selectEvent}
          />
        </Suspense>
      ) : (
        <p className="hint">
          {selectedSeq === null
            ? 'Select an arrow in the diagram, or a row in Events, to see its bytes.'
            : `Event #${selectedSeq} is not in view any more (paused before it, or dropped from the ring). Select another.`}
        </p>
      )}
    </section>
  );
}
