/**
 * What EventSource does with the lines of a text/event-stream unit (WHATWG HTML 9.2.6 "Interpreting an
 * event stream"): each line's effect on the event being built, and at each blank line, what is dispatched:
 * its type, its data (data lines joined with LF, the last LF dropped), the last event ID and retry.
 */
import type { Layer } from '../../../protocol/wire/layers.ts';
import { visibleText } from './escapes.ts';

export type SseLineKind = 'field' | 'comment' | 'blank';

export interface SseLineView {
  layerIndex: number;
  kind: SseLineKind;
  byteOffset: number;
  byteLength: number;
  /** The field name ('' for comments and blank lines). */
  name: string;
  value: string;
  /** What this line does to the event being built, in one sentence. */
  effect: string;
}

export interface SseDispatch {
  lines: SseLineView[];
  /** False when the unit ended before the blank line that dispatches. */
  complete: boolean;
  /** Whether an event reaches the page: a blank line after at least one data line. */
  fires: boolean;
  type: string;
  data: string;
  dataLines: number;
  /** The last event ID after these lines, or null when no id line changed it. */
  lastEventId: string | null;
  retryMs: number | null;
  sentence: string;
}

function stringValue(layer: Layer, name: string): string | null {
  const field = layer.fields.find((f) => f.name === name);
  return field === undefined ? null : String(field.value);
}

function lineOf(layer: Layer, layerIndex: number): SseLineView | null {
  const base = { layerIndex, byteOffset: layer.byteOffset, byteLength: layer.byteLength };
  if (layer.name.startsWith('Blank line')) {
    return {
      ...base,
      kind: 'blank',
      name: '',
      value: '',
      effect: 'A blank line: dispatch the event built so far.',
    };
  }
  if (layer.name === 'Comment line') {
    const value = stringValue(layer, 'Comment') ?? '';
    return { ...base, kind: 'comment', name: '', value, effect: 'A comment: EventSource ignores it.' };
  }
  const name = stringValue(layer, 'Field name');
  if (name === null) return null;
  const value = stringValue(layer, 'Value') ?? '';
  return { ...base, kind: 'field', name, value, effect: effectOf(name, value) };
}

function effectOf(name: string, value: string): string {
  switch (name) {
    case 'data':
      return 'Appends the value and a line feed to the data buffer.';
    case 'event':
      return `Sets the event type to "${visibleText(value)}".`;
    case 'id':
      return value.includes('\u0000')
        ? 'Ignored: an id containing NUL does not change the last event ID.'
        : `Sets the last event ID to "${visibleText(value)}"; a reconnect sends it as Last-Event-ID.`;
    case 'retry':
      return /^[0-9]+$/.test(value)
        ? `Sets the reconnection time to ${value} ms.`
        : 'Ignored: retry must be ASCII digits only.';
    default:
      return `Ignored: "${visibleText(name)}" is not a field EventSource knows.`;
  }
}

/** The lines of an SSE unit grouped into the events they dispatch, in stream order. */
export function sseDispatches(layers: readonly Layer[]): SseDispatch[] {
  const groups: SseLineView[][] = [[]];
  layers.forEach((layer, index) => {
    const line = lineOf(layer, index);
    if (!line) return;
    groups.at(-1)?.push(line);
    if (line.kind === 'blank') groups.push([]);
  });
  return groups.filter((lines) => lines.length > 0).map(dispatchOf);
}

function dispatchOf(lines: SseLineView[]): SseDispatch {
  let type = '';
  const data: string[] = [];
  let lastEventId: string | null = null;
  let retryMs: number | null = null;
  for (const line of lines) {
    if (line.kind !== 'field') continue;
    if (line.name === 'data') data.push(line.value);
    else if (line.name === 'event') type = line.value;
    else if (line.name === 'id' && !line.value.includes('\u0000')) lastEventId = line.value;
    else if (line.name === 'retry' && /^[0-9]+$/.test(line.value)) retryMs = Number(line.value);
  }
  const complete = lines.at(-1)?.kind === 'blank';
  const fires = complete && data.length > 0;
  const eventType = type === '' ? 'message' : type;
  const joined = data.join('\n');
  return {
    lines,
    complete,
    fires,
    type: eventType,
    data: joined,
    dataLines: data.length,
    lastEventId,
    retryMs,
    sentence: sentenceOf(complete, fires, eventType, data.length, lastEventId, retryMs, lines),
  };
}

function sentenceOf(
  complete: boolean,
  fires: boolean,
  type: string,
  dataLines: number,
  lastEventId: string | null,
  retryMs: number | null,
  lines: readonly SseLineView[],
): string {
  const parts: string[] = [];
  if (!complete) {
    parts.push('The unit ends before a blank line, so EventSource keeps collecting: nothing fires yet.');
  } else if (fires) {
    const listener =
      type === 'message'
        ? 'onmessage receives it (so does addEventListener("message")).'
        : `only addEventListener("${visibleText(type)}") receives it; onmessage does not.`;
    const joined =
      dataLines === 1
        ? 'its data is the one data line'
        : `its data is the ${dataLines} data lines joined with line feeds`;
    parts.push(`EventSource fires a "${visibleText(type)}" event: ${joined}, and ${listener}`);
  } else if (lines.every((line) => line.kind !== 'field')) {
    parts.push('Only comments and blank lines: EventSource ignores them and nothing reaches the page.');
  } else {
    parts.push('No data line, so no event fires (the event type is reset for the next one).');
  }
  if (lastEventId !== null) {
    const id = visibleText(lastEventId);
    parts.push(
      complete
        ? `lastEventId becomes "${id}"; after a reconnect the browser sends it as Last-Event-ID.`
        : `The id "${id}" waits in the buffer until the blank line.`,
    );
  }
  if (retryMs !== null)
    parts.push(`If the connection drops, the browser waits ${retryMs} ms before reconnecting.`);
  return parts.join(' ');
}
