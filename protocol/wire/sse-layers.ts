/**
 * One layer per text/event-stream line, with a sentence per part (field name, colon, the one
 * optional space, value, line end), following WHATWG HTML 9.2.6.
 */
import { type Field, field, type Layer } from './layers.ts';

export interface SseLine {
  kind: 'blank' | 'comment' | 'field';
  byteOffset: number;
  contentLength: number;
  terminatorLength: number;
  name: string;
  value: string;
  valueBytes: number;
  /** Index of the first colon in the line, -1 when there is none. */
  colon: number;
  /** Whether one space after the colon was dropped. */
  space: boolean;
  lossy: boolean;
}

export function lineLayer(line: SseLine): Layer {
  const at = line.byteOffset;
  const end = at + line.contentLength;
  const fields: Field[] = [];
  if (line.kind === 'blank') {
    fields.push(field('Blank line', at, line.terminatorLength, terminatorName(line), blankMeaning()));
    return { name: 'Blank line (dispatch)', byteOffset: at, byteLength: line.terminatorLength, fields };
  }
  if (line.kind === 'comment') {
    fields.push(
      field(
        'Colon',
        at,
        1,
        ':',
        'A line that starts with a colon is a comment; the browser ignores it, so servers use it as a heartbeat (WHATWG HTML 9.2.6).',
      ),
    );
    if (line.contentLength > 1) {
      fields.push(
        field(
          'Comment',
          at + 1,
          line.contentLength - 1,
          line.value,
          'Free text that never reaches the page; it only keeps the connection busy so proxies do not close it.',
        ),
      );
    }
  } else {
    const nameLength = line.colon < 0 ? line.contentLength : line.colon;
    fields.push(field('Field name', at, nameLength, line.name, fieldMeaning(line)));
    if (line.colon >= 0) {
      fields.push(
        field('Colon', at + line.colon, 1, ':', 'The first colon separates the field name from its value.'),
      );
      if (line.space) {
        fields.push(
          field(
            'Space',
            at + line.colon + 1,
            1,
            ' ',
            'One space after the colon is dropped, so "data: x" and "data:x" mean the same (WHATWG HTML 9.2.6).',
          ),
        );
      }
      if (line.valueBytes > 0) {
        fields.push(field('Value', end - line.valueBytes, line.valueBytes, line.value, valueMeaning(line)));
      }
    }
  }
  fields.push(
    field(
      'Line end',
      end,
      line.terminatorLength,
      terminatorName(line),
      'Ends the line; CRLF, LF and a lone CR all count (WHATWG HTML 9.2.6).',
    ),
  );
  return {
    name: line.kind === 'comment' ? 'Comment line' : `${line.name || '(empty name)'} line`,
    byteOffset: at,
    byteLength: line.contentLength + line.terminatorLength,
    fields,
  };
}

function terminatorName(line: SseLine): string {
  return line.terminatorLength === 2 ? 'CRLF' : 'LF or CR';
}

function blankMeaning(): string {
  return 'An empty line ends the event: if any data was collected, the browser fires it now (WHATWG HTML 9.2.6).';
}

function fieldMeaning(line: SseLine): string {
  const noColon = line.colon < 0 ? ' With no colon the whole line is the name and the value is empty.' : '';
  switch (line.name) {
    case 'data':
      return `"data" adds its value plus a line feed to the event's data; several data lines join into one text.${noColon}`;
    case 'event':
      return `"event" names the event type, so the page can listen with addEventListener(type) instead of onmessage.${noColon}`;
    case 'id':
      return `"id" sets the last event ID, which the browser sends back as Last-Event-ID when it reconnects.${noColon}`;
    case 'retry':
      return `"retry" tells the browser how many milliseconds to wait before reconnecting.${noColon}`;
    default:
      return `"${line.name}" is not a field the browser knows, so it ignores the line (WHATWG HTML 9.2.6).`;
  }
}

function valueMeaning(line: SseLine): string {
  const lossy = line.lossy ? ' Some bytes were not valid UTF-8 and are shown as �.' : '';
  if (line.name === 'id' && line.value.includes('\u0000'))
    return `This id contains a NUL character, so the browser ignores the whole field.${lossy}`;
  if (line.name === 'retry' && !/^[0-9]+$/.test(line.value))
    return `Not only digits, so the browser ignores this retry field.${lossy}`;
  if (line.name === 'retry') return `Reconnect after ${line.value} ms if the connection drops.${lossy}`;
  return `The value, decoded as UTF-8.${lossy}`;
}
