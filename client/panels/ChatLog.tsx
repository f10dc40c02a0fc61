import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { ChatMessage } from '../../protocol/messages.ts';
import { eventBySeq, sourceEvents, useWirelab, type WirelabState } from '../store/index.ts';
import { type ThrottledSelection, useThrottledSelection } from './throttled-value.ts';

/** Within this many pixels of the bottom, new messages keep the log scrolled down. */
const STICK_TO_BOTTOM_PX = 48;
/** A scroll this soon after the learner's wheel, touch, key or pointer is theirs. */
const GESTURE_SCROLL_MS = 1_000;
/**
 * Rows in the DOM while the log follows the newest message; "Show earlier" adds this many more. The store
 * keeps up to 500, but at hundreds of messages a second, laying out and trimming 500 rows every frame cost
 * more than the whole frame budget, and only a dozen fit on screen. Each refresh repaints the log's whole
 * scrolled content (a Chromium trace: 3,300-6,100 px tall with 100-200 rows, 1,300-2,500 px with 40-80):
 * at 40 the page under load kept 0.60-0.71 of its idle frame rate against 0.35-0.60 at 100.
 */
export const CHAT_DOM_ROWS = 40;
/**
 * While following, rows leave the top of the DOM this many at a time, not one per new message: a row
 * removed at the top moves every row below it, and a moved row is laid out, painted and rastered again.
 * Appended at the bottom, the rows already there stay put, so a frame costs only what it adds.
 */
export const CHAT_TRIM_BATCH = 40;

/**
 * The log takes new messages at most once a slot of this length: at hundreds a second, a refresh on every
 * frame paid the page's style, layout and paint on every frame for rows nobody reads one by one; 20 a
 * second still scrolls smoothly, and a message after a quiet spell shows at once. Every message is shown.
 */
export const CHAT_REFRESH_MS = 50;

const CHAT_MESSAGES: ThrottledSelection<WirelabState, readonly ChatMessage[]> = {
  select: (state) => state.messages,
  isImmediate: () => false,
  intervalMs: CHAT_REFRESH_MS,
  // The wire views refresh on multiples of LIVE_REFRESH_MS (a multiple of this interval): halfway between
  // two of this log's slots, so no frame does both.
  phaseMs: CHAT_REFRESH_MS / 2,
};

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function privacyTag(message: ChatMessage, me: string): string | null {
  if (message.kind !== 'private') return null;
  // The sender's name already leads the row; the tag says who else can read it.
  return message.from === me ? `private to ${message.to ?? '?'}` : 'private, to you';
}

/** Seqs the selected wire event carried, as a string so the selector's result compares by value. */
function selectedCarriedSeqs(state: WirelabState): string {
  const selected = state.selectedEventSeq;
  if (selected === null) return '';
  const event = eventBySeq(sourceEvents(state), selected);
  return event ? event.messageSeqs.join(' ') : '';
}

function toggleHighlight(seq: number): void {
  const state = useWirelab.getState();
  state.highlightMessage(state.highlightedMessageSeq === seq ? null : seq);
}

interface RowProps {
  message: ChatMessage;
  me: string;
  /** The learner picked this message to see every wire unit that carried it. */
  isHighlighted: boolean;
  /** The selected wire unit carried this message. */
  isCarried: boolean;
}

/** The row's keyboard route to highlighting; a click anywhere on the row does the same. */
function WireToggle({ message, isHighlighted }: { message: ChatMessage; isHighlighted: boolean }) {
  return (
    <button
      type="button"
      className="wire-toggle link-button"
      aria-pressed={isHighlighted}
      aria-label={`Show message ${message.seq} on the wire`}
      title="Highlight every wire unit that carried this message"
    >
      {isHighlighted ? '◆ on the wire' : '◇ wire'}
    </button>
  );
}

function rowClass(base: string, isHighlighted: boolean, isCarried: boolean): string {
  return [base, isHighlighted ? 'is-highlighted' : '', isCarried ? 'is-carried' : '']
    .filter((name) => name !== '')
    .join(' ');
}

// Every string here reaches the DOM as a React text child: chat text is never parsed as HTML.
const MessageRow = memo(function MessageRow({ message, me, isHighlighted, isCarried }: RowProps) {
  const time = (
    <time dateTime={new Date(message.committedAtMs).toISOString()}>
      {timeFormat.format(message.committedAtMs)}
    </time>
  );
  const carried = isCarried && <span className="tag carried-tag">carried by the selected wire unit</span>;
  const common = {
    'data-kind': message.kind,
    'data-seq': message.seq,
    'data-highlighted': isHighlighted ? 'true' : undefined,
    // The button inside is the keyboard route; a click anywhere on the row reaches the same toggle.
    onClick: () => toggleHighlight(message.seq),
  };
  if (message.kind === 'join' || message.kind === 'leave') {
    return (
      <li className={rowClass('presence', isHighlighted, isCarried)} {...common}>
        <span className="presence-text">
          {message.from} {message.kind === 'join' ? 'joined' : 'left'}
        </span>
        {carried}
        {time}
        <WireToggle message={message} isHighlighted={isHighlighted} />
      </li>
    );
  }
  const tag = privacyTag(message, me);
  return (
    <li className={rowClass(tag ? 'chat private' : 'chat', isHighlighted, isCarried)} {...common}>
      <span className="from">{message.from}</span>
      {tag && <span className="tag">{tag}</span>}
      <span className="text">{message.text}</span>
      {carried}
      {time}
      <WireToggle message={message} isHighlighted={isHighlighted} />
    </li>
  );
});

const keyOf = (message: ChatMessage) => `${message.epoch}:${message.seq}`;

/** Where the message with `key` is, looking from index `from` on; -1 when it is not there. */
function indexOfKey(messages: readonly ChatMessage[], key: string, from: number): number {
  for (let index = Math.max(0, from); index < messages.length; index += 1) {
    const message = messages[index];
    if (message && keyOf(message) === key) return index;
  }
  return -1;
}

export function ChatLog() {
  const messages = useThrottledSelection(useWirelab, CHAT_MESSAGES);
  const me = useWirelab((state) => state.name);
  const highlighted = useWirelab((state) => state.highlightedMessageSeq);
  const carriedText = useWirelab(selectedCarriedSeqs);
  const carried = useMemo(() => new Set(carriedText.split(' ').filter(Boolean).map(Number)), [carriedText]);
  const scroller = useRef<HTMLDivElement>(null);
  const stuck = useRef(true);
  /** When the learner last wheeled, touched, pressed a key or a pointer in the log: only they read back. */
  const gestureAtMs = useRef(Number.NEGATIVE_INFINITY);
  const noteGesture = () => {
    gestureAtMs.current = performance.now();
  };
  /**
   * The first row shown while the learner reads back or asked for earlier rows; null while following the
   * newest, when the log shows the last CHAT_DOM_ROWS. Pinned, rows never vanish above the reader.
   */
  const [firstKey, setFirstKey] = useState<string | null>(null);
  const pinnedAt = firstKey === null ? -1 : messages.findIndex((message) => keyOf(message) === firstKey);
  /** While following: the first row shown, kept until CHAT_TRIM_BATCH more rows than CHAT_DOM_ROWS pile up. */
  const followedFrom = useRef<string | null>(null);
  // Only the last CHAT_DOM_ROWS + CHAT_TRIM_BATCH rows can hold it: a refresh looks there, not through
  // the whole history (this runs up to 20 times a second under load).
  const followedAt =
    followedFrom.current === null
      ? -1
      : indexOfKey(messages, followedFrom.current, messages.length - CHAT_DOM_ROWS - CHAT_TRIM_BATCH);
  const followStart = followedAt >= 0 ? followedAt : Math.max(0, messages.length - CHAT_DOM_ROWS);
  const start = pinnedAt >= 0 ? pinnedAt : firstKey === null ? followStart : 0;
  const startMessage = firstKey === null ? messages[start] : undefined;
  const startKey = startMessage ? keyOf(startMessage) : null;
  useEffect(() => {
    followedFrom.current = startKey;
  }, [startKey]);
  const shown = useMemo(() => messages.slice(start), [messages, start]);

  useEffect(() => {
    const element = scroller.current;
    if (!element || !stuck.current || shown.length === 0) return;
    // Reading scrollHeight forces a layout; in the next frame, the browser lays out once anyway, instead
    // of once in the middle of React's commit and again before paint (the costliest line under load).
    const frame = requestAnimationFrame(() => {
      element.scrollTop = element.scrollHeight;
    });
    return () => cancelAnimationFrame(frame);
  }, [shown]);

  const showEarlier = () => {
    const earlier = messages[Math.max(0, start - CHAT_DOM_ROWS)];
    if (earlier) setFirstKey(keyOf(earlier));
  };

  return (
    <div
      ref={scroller}
      className="chat-log"
      role="log"
      aria-label="Chat messages"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
      tabIndex={0}
      // While following, rows trimmed at the top must not move scrollTop: the browser's scroll anchoring
      // would, and that scroll event (with new rows already below) would read as the learner scrolling up.
      style={{ overflowAnchor: firstKey === null ? 'none' : 'auto' }}
      onWheel={noteGesture}
      onTouchMove={noteGesture}
      onKeyDown={noteGesture}
      onPointerDown={noteGesture}
      onScroll={(event) => {
        const element = event.currentTarget;
        // Scroll events also come from rows added and trimmed under a busy page, a frame after the log
        // scrolled itself: only a scroll right after a gesture of the learner's leaves the bottom.
        const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < STICK_TO_BOTTOM_PX;
        const isStuck = atBottom || performance.now() - gestureAtMs.current > GESTURE_SCROLL_MS;
        if (isStuck === stuck.current) return;
        stuck.current = isStuck;
        const first = shown[0];
        // Back at the bottom: follow the newest again. Reading back: keep the rows that are there.
        if (isStuck) setFirstKey(null);
        else if (firstKey === null && first) setFirstKey(keyOf(first));
      }}
    >
      {messages.length === 0 ? (
        <p className="empty">No messages yet.</p>
      ) : (
        <>
          {start > 0 && (
            <button type="button" className="show-earlier link-button" onClick={showEarlier}>
              {`Show earlier messages (${start} not shown)`}
            </button>
          )}
          <ol>
            {shown.map((message) => (
              <MessageRow
                key={keyOf(message)}
                message={message}
                me={me}
                isHighlighted={message.seq === highlighted}
                isCarried={carried.has(message.seq)}
              />
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
