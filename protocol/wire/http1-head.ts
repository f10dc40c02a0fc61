/**
 * An HTTP/1.1 message head (RFC 9112 sections 2-5): the start line and each header field line,
 * each as a layer with its exact byte range and a sentence for a learner.
 */
import { decodeLatin1 } from './bytes.ts';
import { type Field, fail, field, type Layer, ok, type Result } from './layers.ts';

export interface Http1Header {
  name: string;
  value: string;
  /** The whole field line, line end included. */
  byteOffset: number;
  byteLength: number;
}

export interface RequestLine {
  method: string;
  target: string;
  version: string;
}

export interface StatusLine {
  version: string;
  status: number;
  reason: string;
}

export interface ParsedHead {
  request: RequestLine | null;
  response: StatusLine | null;
  headers: Http1Header[];
  layers: Layer[];
}

interface Line {
  start: number;
  /** Content without CR LF. */
  text: string;
  contentLength: number;
  terminatorLength: number;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([^ ]+) (HTTP\/[0-9]\.[0-9])$/;
const STATUS_LINE = /^(HTTP\/[0-9]\.[0-9]) ([0-9]{3})(?: (.*))?$/;

/** Splits at LF; a CR right before it belongs to the line end (RFC 9112 2.2 lets us accept bare LF). */
export function splitLines(bytes: Uint8Array, byteOffset: number): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    const cr = i > start && bytes[i - 1] === 0x0d ? 1 : 0;
    const contentLength = i - start - cr;
    lines.push({
      start: byteOffset + start,
      text: decodeLatin1(bytes.subarray(start, start + contentLength)),
      contentLength,
      terminatorLength: cr + 1,
    });
    start = i + 1;
  }
  return lines;
}

/** Parses a complete head (ending with its empty line) for one direction. */
export function parseHead(bytes: Uint8Array, byteOffset: number, isRequest: boolean): Result<ParsedHead> {
  const lines = splitLines(bytes, byteOffset);
  const layers: Layer[] = [];
  let index = 0;
  // RFC 9112 2.2: a server should ignore empty lines received before the request line.
  while (index < lines.length && lines[index]?.contentLength === 0) {
    const blank = lines[index++];
    if (blank)
      layers.push({
        name: 'Empty line before the start line',
        byteOffset: blank.start,
        byteLength: blank.terminatorLength,
        fields: [lineEnd(blank, 'A stray line end before the message; receivers skip it (RFC 9112 2.2).')],
      });
  }
  const first = lines[index++];
  if (!first) return fail('HTTP_BAD_START_LINE', 'the message has no start line', byteOffset);
  let request: RequestLine | null = null;
  let response: StatusLine | null = null;
  if (isRequest) {
    const m = REQUEST_LINE.exec(first.text);
    if (!m)
      return fail(
        'HTTP_BAD_START_LINE',
        `not a request line: ${JSON.stringify(first.text.slice(0, 80))}`,
        first.start,
      );
    request = { method: m[1] ?? '', target: m[2] ?? '', version: m[3] ?? '' };
    layers.push(requestLineLayer(first, request));
  } else {
    const m = STATUS_LINE.exec(first.text);
    if (!m)
      return fail(
        'HTTP_BAD_START_LINE',
        `not a status line: ${JSON.stringify(first.text.slice(0, 80))}`,
        first.start,
      );
    response = { version: m[1] ?? '', status: Number(m[2]), reason: m[3] ?? '' };
    layers.push(statusLineLayer(first, response));
  }
  const parsed = parseFieldLines(lines.slice(index), 'Header');
  if (!parsed.ok) return parsed;
  return ok({
    request,
    response,
    headers: parsed.value.headers,
    layers: [...layers, ...parsed.value.layers],
  });
}

/** Header (or trailer) field lines up to and including the empty line (RFC 9112 5). */
export function parseFieldLines(
  lines: Line[],
  kind: 'Header' | 'Trailer',
): Result<{ headers: Http1Header[]; layers: Layer[] }> {
  const headers: Http1Header[] = [];
  const layers: Layer[] = [];
  for (const line of lines) {
    if (line.contentLength === 0) {
      layers.push({
        name: 'End of head',
        byteOffset: line.start,
        byteLength: line.terminatorLength,
        fields: [
          lineEnd(
            line,
            kind === 'Header'
              ? 'An empty line: the head is over, and the body (if any) starts with the next byte (RFC 9112 2.1).'
              : 'An empty line: the trailers, and the whole chunked message, are over (RFC 9112 7.1.2).',
          ),
        ],
      });
      break;
    }
    if (line.text.startsWith(' ') || line.text.startsWith('\t')) {
      return fail(
        'HTTP_OBS_FOLD',
        'a header line starts with whitespace (obsolete line folding, RFC 9112 5.2)',
        line.start,
      );
    }
    const colon = line.text.indexOf(':');
    const name = colon < 0 ? '' : line.text.slice(0, colon);
    if (!TOKEN.test(name)) {
      return fail(
        'HTTP_BAD_HEADER',
        `not a valid header line: ${JSON.stringify(line.text.slice(0, 80))}`,
        line.start,
      );
    }
    const rest = line.text.slice(colon + 1);
    const value = rest.replace(/^[ \t]+|[ \t]+$/g, '');
    const lead = rest.length - rest.trimStart().length;
    const valueAt = line.start + colon + 1 + lead;
    const fields: Field[] = [
      field('Name', line.start, name.length, name, headerMeaning(name, value)),
      field(
        'Colon',
        line.start + colon,
        1,
        ':',
        'Separates the name from the value; no space is allowed before it (RFC 9112 5.1).',
      ),
    ];
    if (lead > 0)
      fields.push(
        field(
          'Whitespace',
          line.start + colon + 1,
          lead,
          ' ',
          'Optional spaces after the colon, not part of the value.',
        ),
      );
    if (value.length > 0) fields.push(field('Value', valueAt, value.length, value, `The value of ${name}.`));
    fields.push(lineEnd(line, 'Ends this header line.'));
    const byteLength = line.contentLength + line.terminatorLength;
    headers.push({ name, value, byteOffset: line.start, byteLength });
    layers.push({
      name: `${kind}: ${name} (${byteLength} bytes)`,
      byteOffset: line.start,
      byteLength,
      fields,
    });
  }
  return ok({ headers, layers });
}

export function headerValue(headers: readonly Http1Header[], name: string): string | null {
  const lower = name.toLowerCase();
  const values = headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
  return values.length > 0 ? values.join(', ') : null;
}

function lineEnd(line: Line, meaning: string): Field {
  return field(
    'Line end',
    line.start + line.contentLength,
    line.terminatorLength,
    line.terminatorLength === 2 ? 'CRLF' : 'LF',
    meaning,
  );
}

function requestLineLayer(line: Line, r: RequestLine): Layer {
  const at = line.start;
  const targetAt = at + r.method.length + 1;
  const versionAt = targetAt + r.target.length + 1;
  return {
    name: 'Request line',
    byteOffset: at,
    byteLength: line.contentLength + line.terminatorLength,
    fields: [
      field('Method', at, r.method.length, r.method, methodMeaning(r.method)),
      field('Space', at + r.method.length, 1, ' ', 'One space separates the parts of the request line.'),
      field(
        'Request target',
        targetAt,
        r.target.length,
        r.target,
        'The path and query the client asks for; the query string is where Wirelab puts ?client= and ?since=.',
      ),
      field('Space', versionAt - 1, 1, ' ', 'One space separates the parts of the request line.'),
      field(
        'HTTP version',
        versionAt,
        r.version.length,
        r.version,
        `The client speaks ${r.version}, so the connection stays open for more requests unless it says otherwise (RFC 9112 9.3).`,
      ),
      lineEnd(line, 'Ends the request line; header lines follow.'),
    ],
  };
}

function statusLineLayer(line: Line, s: StatusLine): Layer {
  const at = line.start;
  const fields = [
    field('HTTP version', at, s.version.length, s.version, `The server answers in ${s.version}.`),
    field('Status code', at + s.version.length + 1, 3, s.status, statusMeaning(s.status)),
  ];
  if (s.reason.length > 0) {
    fields.push(
      field(
        'Reason phrase',
        at + s.version.length + 5,
        s.reason.length,
        s.reason,
        'Words for people reading the bytes; programs go by the number only (RFC 9112 4).',
      ),
    );
  }
  fields.push(lineEnd(line, 'Ends the status line; header lines follow.'));
  return {
    name: 'Status line',
    byteOffset: at,
    byteLength: line.contentLength + line.terminatorLength,
    fields,
  };
}

function methodMeaning(method: string): string {
  if (method === 'GET')
    return 'GET asks for a resource; polling, long polling, SSE and the WebSocket handshake all start with one.';
  if (method === 'POST')
    return 'POST sends data in the body; Wirelab sends chat messages this way on the HTTP transports.';
  if (method === 'HEAD')
    return 'HEAD asks for the headers only, so the response will have no body (RFC 9110 9.3.2).';
  return `The method ${method} says what the client wants done with the target.`;
}

function statusMeaning(status: number): string {
  if (status === 101)
    return '101 Switching Protocols: after this head the connection stops speaking HTTP and carries WebSocket frames (RFC 9110 15.2.2).';
  if (status === 200) return '200 OK: the request worked and the body holds the answer.';
  if (status === 201) return '201 Created: the request made something new, here a stored chat message.';
  if (status === 204 || status === 304) return `${status}: this response never has a body (RFC 9112 6.3).`;
  if (status < 200)
    return `${status} is an interim response; the real one follows on the same connection (RFC 9110 15.2).`;
  if (status < 400) return `${status} is a redirect or other non-error answer.`;
  if (status < 500) return `${status} says the request itself was wrong (a client error).`;
  return `${status} says the server failed while handling a valid request.`;
}

const HEADER_MEANINGS: Record<string, string> = {
  host: 'Which site the request is for, so one server can host many names (RFC 9110 7.2).',
  'content-length':
    'The body is exactly this many bytes; the next message starts right after them (RFC 9112 6.3).',
  'transfer-encoding':
    'With "chunked", the body arrives in pieces each prefixed by its size, ending with a zero-size chunk (RFC 9112 7.1).',
  connection:
    'Options for this connection only: "keep-alive" reuses it, "close" ends it, "upgrade" pairs with the Upgrade header.',
  upgrade: 'The client asks to switch this connection to another protocol, here WebSocket (RFC 9110 7.8).',
  'sec-websocket-key':
    '16 random bytes in base64; the server must hash them into Sec-WebSocket-Accept (RFC 6455 4.1).',
  'sec-websocket-accept':
    'SHA-1 of the client key plus a fixed GUID, in base64: proof the server understood the handshake (RFC 6455 4.2.2).',
  'sec-websocket-version': 'The WebSocket protocol version; 13 is the only one in use (RFC 6455 4.1).',
  'sec-websocket-extensions':
    'Extensions offered or accepted, such as permessage-deflate compression (RFC 6455 9.1).',
  'sec-websocket-protocol': 'Application subprotocols offered or chosen on top of WebSocket (RFC 6455 1.9).',
  'content-type': 'What kind of data the body is; text/event-stream marks a Server-Sent Events stream.',
  'cache-control': 'Caching rules; "no-cache" keeps proxies from storing a live stream.',
  'last-event-id': 'The id of the last SSE event the browser got, so the server can resume right after it.',
  origin: 'The page that started this request; servers check it on WebSocket upgrades.',
  'keep-alive': 'Hints for how long an idle connection stays open.',
  date: 'When the server produced this response.',
  accept: 'Which response types the client can handle.',
  'user-agent': 'Which browser or program sent the request.',
};

function headerMeaning(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'content-type' && value.toLowerCase().startsWith('text/event-stream')) {
    return 'text/event-stream: the body is a Server-Sent Events stream that stays open and carries events as they happen.';
  }
  return HEADER_MEANINGS[lower] ?? `${name} is a header the receiver may use or ignore.`;
}
