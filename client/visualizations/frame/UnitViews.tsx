/** The views that depend on the unit: SSE lines and dispatch, an HTTP head line by line, the Accept proof. */
import { visibleText } from './escapes.ts';
import { byteCount } from './field-format.ts';
import { LAYER_TINTS } from './HexGrid.tsx';
import type { AcceptComputation, HeadSummary } from './http-head.ts';
import type { SseDispatch } from './sse-dispatch.ts';

/** Rows of dispatched data shown before the text is cut (the field list and grid keep the rest). */
const DATA_PREVIEW_CHARS = 600;

interface PointLayer {
  activeLayer: number | null;
  onPointLayer(layerIndex: number | null): void;
}

function pointProps(layerIndex: number, { activeLayer, onPointLayer }: PointLayer) {
  return {
    'data-active': layerIndex === activeLayer ? 'true' : undefined,
    'data-tint': layerIndex % LAYER_TINTS,
    onPointerEnter: () => onPointLayer(layerIndex),
    onPointerLeave: () => onPointLayer(null),
    onFocus: () => onPointLayer(layerIndex),
    onBlur: () => onPointLayer(null),
  };
}

function lineText(name: string, value: string, kind: 'field' | 'comment' | 'blank'): string {
  if (kind === 'blank') return '(blank line)';
  if (kind === 'comment') return `:${visibleText(value)}`;
  return value === '' ? visibleText(name) : `${visibleText(name)}: ${visibleText(value)}`;
}

export function SseDispatchView({
  dispatches,
  ...point
}: { dispatches: readonly SseDispatch[] } & PointLayer) {
  return (
    <section className="sse-view" aria-label="How EventSource reads this">
      <h4>How EventSource reads these lines</h4>
      {dispatches.map((dispatch) => (
        <div key={dispatch.lines[0]?.byteOffset ?? 0} className="sse-dispatch" data-fires={dispatch.fires}>
          <ol className="sse-lines">
            {dispatch.lines.map((line) => (
              <li key={line.byteOffset}>
                <button type="button" className="line-button" {...pointProps(line.layerIndex, point)}>
                  <code className="sse-line" data-kind={line.kind}>
                    {lineText(line.name, line.value, line.kind)}
                  </code>
                  <span className="line-effect">{line.effect}</span>
                </button>
              </li>
            ))}
          </ol>
          <p className="sse-sentence">{dispatch.sentence}</p>
          {dispatch.fires && (
            <dl className="sse-event">
              <dt>event.type</dt>
              <dd>
                <code>{visibleText(dispatch.type)}</code>
              </dd>
              <dt>event.data</dt>
              <dd>
                <code className="sse-data">
                  {visibleText(dispatch.data.slice(0, DATA_PREVIEW_CHARS))}
                  {dispatch.data.length > DATA_PREVIEW_CHARS ? '…' : ''}
                </code>
              </dd>
              {dispatch.lastEventId !== null && (
                <>
                  <dt>event.lastEventId</dt>
                  <dd>
                    <code>{visibleText(dispatch.lastEventId)}</code>
                  </dd>
                </>
              )}
            </dl>
          )}
        </div>
      ))}
    </section>
  );
}

export function HeadLinesView({ head, ...point }: { head: HeadSummary } & PointLayer) {
  return (
    <section className="head-view" aria-label="Head lines">
      <h4>
        The head, line by line: {byteCount(head.headBytes)}
        {head.bodyBytes > 0 ? `, then ${byteCount(head.bodyBytes)} of body` : ''}
      </h4>
      <ol className="head-lines">
        {head.lines.map((line) => (
          <li key={line.byteOffset} data-kind={line.kind}>
            <button type="button" className="line-button" {...pointProps(line.layerIndex, point)}>
              <code className="head-line">{line.text}</code>
              <span className="head-bytes">
                {byteCount(line.byteLength)}
                {line.cut ? ' (cut)' : ''}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function AcceptStepsView({
  accept,
  requestNote,
  ...point
}: { accept: AcceptComputation; requestNote: string | null } & PointLayer) {
  return (
    <section className="accept-view" aria-label="How the server computed Sec-WebSocket-Accept">
      <h4>How the server computed Sec-WebSocket-Accept</h4>
      {requestNote && <p className="frame-note">{requestNote}</p>}
      <ol className="accept-steps">
        {accept.steps.map((step) => (
          <li key={step.fieldIndex}>
            <button type="button" className="line-button" {...pointProps(accept.layerIndex, point)}>
              <span className="accept-title">{step.title}</span>
              <code className="accept-value">{step.value}</code>
              <span className="line-effect">{step.meaning}</span>
            </button>
          </li>
        ))}
      </ol>
      {accept.matches !== null && (
        <p className="accept-match" data-matches={accept.matches}>
          <strong>{accept.matches ? '✓ Matches' : '✗ Does not match'}</strong> {accept.matchesMeaning}
        </p>
      )}
    </section>
  );
}
