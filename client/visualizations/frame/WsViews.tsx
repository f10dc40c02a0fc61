/** The WebSocket views beyond bits and masking: the message (joined, inflated), a Close code, how it ended. */
import { visibleText } from './escapes.ts';
import type { ByteColumn, CloseView as CloseModel, MessageView as MessageModel } from './ws-views.ts';

/** A frame of the same message, for moving between them. */
export interface MessageFrameLink {
  eventSeq: number;
  fragment: number;
}

interface FrameLinks {
  frames: readonly MessageFrameLink[];
  currentSeq: number;
  onSelectEvent?: ((eventSeq: number) => void) | undefined;
}

function Column({ column }: { column: ByteColumn }) {
  return (
    <div className="ws-message-column">
      <h5>{column.title}</h5>
      <p className="frame-note">{column.note}</p>
      {column.text !== null && <code className="ws-message-text">{visibleText(column.text)}</code>}
      {column.hex !== '' && column.text === null && <code className="ws-message-hex">{column.hex}</code>}
    </div>
  );
}

export function FrameLinksView({ frames, currentSeq, onSelectEvent }: FrameLinks) {
  if (frames.length < 2) return null;
  return (
    <p className="ws-message-frames">
      Frames of this message:{' '}
      {frames.map((frame) =>
        frame.eventSeq === currentSeq || !onSelectEvent ? (
          <span key={frame.eventSeq} className="ws-frame-link" data-current={frame.eventSeq === currentSeq}>
            {frame.fragment} (#{frame.eventSeq})
          </span>
        ) : (
          <button
            key={frame.eventSeq}
            type="button"
            className="ws-frame-link"
            onClick={() => onSelectEvent(frame.eventSeq)}
          >
            {frame.fragment} (#{frame.eventSeq})
          </button>
        ),
      )}
    </p>
  );
}

export function MessageView({ view, ...links }: { view: MessageModel } & FrameLinks) {
  return (
    <section className="ws-message-view" aria-label="The message">
      <h4>{view.title}</h4>
      {view.agreement.length > 0 && (
        <ul className="ws-agreement">
          {view.agreement.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      <div className="ws-message-columns" data-columns={view.columns.length}>
        {view.columns.map((column) => (
          <Column key={column.title} column={column} />
        ))}
      </div>
      {view.blocks && <p className="frame-note">{view.blocks}</p>}
      {view.problem && (
        <p className="frame-error" role="note">
          {view.problem}
        </p>
      )}
      <FrameLinksView {...links} />
    </section>
  );
}

export function FragmentView({ note, ...links }: { note: string } & FrameLinks) {
  return (
    <section className="ws-message-view" aria-label="Fragment">
      <h4>Part of a fragmented message</h4>
      <p className="frame-note">{note}</p>
      <FrameLinksView {...links} />
    </section>
  );
}

export function CloseCodeView({ view }: { view: CloseModel }) {
  return (
    <section className="ws-close-view" aria-label="Close code">
      <h4>
        Close {view.code ?? '(no code)'}: {view.name}
      </h4>
      <p>{view.meaning}</p>
      {view.reason !== null && (
        <p>
          Reason: <q className="ws-close-reason">{visibleText(view.reason)}</q>
        </p>
      )}
    </section>
  );
}

export function ClosingView({ lines }: { lines: readonly string[] }) {
  return (
    <section className="ws-close-view" aria-label="How the WebSocket ended">
      <h4>How the WebSocket ended</h4>
      <ul>
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </section>
  );
}
