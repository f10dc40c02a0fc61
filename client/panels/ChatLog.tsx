import { memo, useLayoutEffect, useRef } from 'react';
import type { ChatMessage } from '../../protocol/messages.ts';
import { useWirelab } from '../store/index.ts';

/** Within this many pixels of the bottom, new messages keep the log scrolled down. */
const STICK_TO_BOTTOM_PX = 48;

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

// Every string here reaches the DOM as a React text child: chat text is never parsed as HTML.
const MessageRow = memo(function MessageRow({ message, me }: { message: ChatMessage; me: string }) {
  const time = (
    <time dateTime={new Date(message.committedAtMs).toISOString()}>
      {timeFormat.format(message.committedAtMs)}
    </time>
  );
  if (message.kind === 'join' || message.kind === 'leave') {
    return (
      <li className="presence" data-kind={message.kind} data-seq={message.seq}>
        <span className="presence-text">
          {message.from} {message.kind === 'join' ? 'joined' : 'left'}
        </span>
        {time}
      </li>
    );
  }
  const tag = privacyTag(message, me);
  return (
    <li className={tag ? 'chat private' : 'chat'} data-kind={message.kind} data-seq={message.seq}>
      <span className="from">{message.from}</span>
      {tag && <span className="tag">{tag}</span>}
      <span className="text">{message.text}</span>
      {time}
    </li>
  );
});

export function ChatLog() {
  const messages = useWirelab((state) => state.messages);
  const me = useWirelab((state) => state.name);
  const scroller = useRef<HTMLDivElement>(null);
  const stuck = useRef(true);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && stuck.current && messages.length > 0) element.scrollTop = element.scrollHeight;
  }, [messages]);

  return (
    <div
      ref={scroller}
      className="chat-log"
      role="log"
      aria-label="Chat messages"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        stuck.current = element.scrollHeight - element.scrollTop - element.clientHeight < STICK_TO_BOTTOM_PX;
      }}
    >
      {messages.length === 0 ? (
        <p className="empty">No messages yet.</p>
      ) : (
        <ol>
          {messages.map((message) => (
            <MessageRow key={`${message.epoch}:${message.seq}`} message={message} me={me} />
          ))}
        </ol>
      )}
    </div>
  );
}
