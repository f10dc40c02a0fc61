/**
 * Layers for HTTP/1.1 bodies: a Content-Length body, and chunked framing (RFC 9112 7.1): each
 * chunk-size line, the chunk data, the CRLF after it, and the zero-size last chunk.
 */
import { decodeLatin1, decodeUtf8, toHex } from './bytes.ts';
import type { Http1Header, ParsedHead } from './http1-head.ts';
import { headerValue } from './http1-head.ts';
import type { BodyMode } from './http1-types.ts';
import { type Field, fail, field, type Layer, ok, type Result } from './layers.ts';

/** How many bytes of a body or chunk a field value shows. */
export const BODY_PREVIEW_BYTES = 512;
/** 13 hex digits stay below 2^53, so every size is an exact JavaScript number. */
const MAX_CHUNK_SIZE_HEX_DIGITS = 13;

export interface ChunkEvent {
  kind: 'chunk';
  messageIndex: number;
  /** From the first byte of the chunk-size line to the CRLF after the data (or the trailers' end). */
  byteOffset: number;
  byteLength: number;
  size: number;
  extension: string;
  /** The zero-size chunk that ends the body (RFC 9112 7.1). */
  last: boolean;
  data: Uint8Array;
  truncated: boolean;
  trailers: Http1Header[];
  layers: Layer[];
}

export function parseChunkSize(line: Uint8Array): Result<{ size: number; extension: string }> {
  const text = decodeLatin1(line).replace(/\r?\n$/, '');
  const m = /^([0-9A-Fa-f]+)[ \t]*(;.*)?$/.exec(text);
  if (!m) return fail('HTTP_BAD_CHUNK_SIZE', `not a chunk-size line: ${JSON.stringify(text.slice(0, 40))}`);
  const digits = (m[1] ?? '').replace(/^0+(?=.)/, '');
  if (digits.length > MAX_CHUNK_SIZE_HEX_DIGITS)
    return fail('HTTP_CHUNK_TOO_LARGE', `chunk size 0x${digits.slice(0, 20)} is too large`);
  return ok({ size: Number.parseInt(digits, 16), extension: m[2] ?? '' });
}

export function chunkLayers(
  at: number,
  sizeLine: Uint8Array,
  size: number,
  data: Uint8Array,
  crlfLength: number,
): Layer[] {
  const text = decodeLatin1(sizeLine);
  const terminator = text.endsWith('\r\n') ? 2 : 1;
  const content = text.slice(0, text.length - terminator);
  const hexLength = /^[0-9A-Fa-f]+/.exec(content)?.[0].length ?? content.length;
  const fields: Field[] = [
    field(
      'Chunk size',
      at,
      hexLength,
      `0x${content.slice(0, hexLength)} = ${size}`,
      size === 0
        ? 'Size 0 marks the last chunk: the body is complete (RFC 9112 7.1).'
        : `The next ${size} bytes are chunk data; the size is written in hexadecimal (RFC 9112 7.1).`,
    ),
  ];
  if (content.length > hexLength) {
    fields.push(
      field(
        'Chunk extension',
        at + hexLength,
        content.length - hexLength,
        content.slice(hexLength),
        'Optional name=value parameters for this chunk; almost nobody uses them and receivers ignore unknown ones (RFC 9112 7.1.1).',
      ),
    );
  }
  fields.push(
    field(
      'Line end',
      at + content.length,
      terminator,
      terminator === 2 ? 'CRLF' : 'LF',
      'Ends the chunk-size line.',
    ),
  );
  const layers: Layer[] = [
    {
      name: size === 0 ? 'Last chunk' : 'Chunk size line',
      byteOffset: at,
      byteLength: sizeLine.length,
      fields,
    },
  ];
  if (size === 0) return layers;
  const dataAt = at + sizeLine.length;
  layers.push({
    name: 'Chunk data',
    byteOffset: dataAt,
    byteLength: size + crlfLength,
    fields: [
      field(
        'Chunk data',
        dataAt,
        size,
        preview(data, size),
        `${size} bytes of the body, sent as soon as the server had them; for an event stream this is usually one event.`,
      ),
      field(
        'Line end',
        dataAt + size,
        crlfLength,
        crlfLength === 2 ? 'CRLF' : 'LF',
        'Closes the chunk; it is framing, not part of the body.',
      ),
    ],
  });
  return layers;
}

export function bodyLayer(
  at: number,
  byteLength: number,
  data: Uint8Array,
  head: { headers: Http1Header[] } | null,
): Layer {
  const type = head ? headerValue(head.headers, 'content-type') : null;
  const hasLength = head ? headerValue(head.headers, 'content-length') !== null : false;
  return {
    name: 'Body',
    byteOffset: at,
    byteLength,
    fields: [
      field(
        'Body',
        at,
        byteLength,
        preview(data, byteLength),
        `${byteLength} bytes of ${type ?? 'data'}; ${
          hasLength
            ? 'Content-Length told the receiver exactly where they end'
            : 'with no length given, they run until the connection closes'
        } (RFC 9112 6.3).`,
      ),
    ],
  };
}

/** Text when the kept bytes are UTF-8, hex otherwise; marks a cut with "…". */
function preview(data: Uint8Array, fullLength: number): string {
  const shown = data.subarray(0, BODY_PREVIEW_BYTES);
  const cut = shown.length < fullLength;
  const decoded = decodeUtf8(shown, cut);
  if (!decoded.lossy) return decoded.text + (cut ? '…' : '');
  return toHex(shown) + (cut && shown.length === data.length ? ' …' : '');
}

/** RFC 9112 6.3: how the length of the body is determined, in the order the RFC lists. */
export function bodyFraming(
  parsed: ParsedHead,
  isRequest: boolean,
  requestMethod: string | null,
): Result<{ bodyMode: BodyMode; contentLength: number | null }> {
  const status = parsed.response?.status ?? 0;
  if (parsed.response && (requestMethod === 'HEAD' || status < 200 || status === 204 || status === 304)) {
    return ok({ bodyMode: 'none', contentLength: null });
  }
  const te = headerValue(parsed.headers, 'transfer-encoding');
  if (te !== null) {
    const codings = te
      .toLowerCase()
      .split(',')
      .map((c) => c.trim());
    if (codings[codings.length - 1] === 'chunked') return ok({ bodyMode: 'chunked', contentLength: null });
    // A response without chunked last runs until close; a request like that cannot be framed.
    if (isRequest)
      return fail(
        'HTTP_BAD_TRANSFER_ENCODING',
        'a request body must end with the chunked coding (RFC 9112 6.3)',
      );
    return ok({ bodyMode: 'until-close', contentLength: null });
  }
  const cl = headerValue(parsed.headers, 'content-length');
  if (cl !== null) {
    // RFC 9110 8.6: a list of identical values is one value; different values are an error.
    const values = new Set(cl.split(',').map((v) => v.trim()));
    const [only] = [...values];
    if (values.size !== 1 || only === undefined || !/^[0-9]{1,15}$/.test(only)) {
      return fail('HTTP_BAD_CONTENT_LENGTH', `invalid Content-Length: ${cl.slice(0, 40)}`);
    }
    const contentLength = Number(only);
    return ok({ bodyMode: contentLength === 0 ? 'none' : 'content-length', contentLength });
  }
  return ok({ bodyMode: isRequest ? 'none' : 'until-close', contentLength: null });
}
