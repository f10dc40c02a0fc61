/**
 * The opening handshake, shown step by step (RFC 6455 4.2.2 step 5.4, and 1.3): the server proves
 * it read the client's Sec-WebSocket-Key by hashing it with a fixed GUID. SHA-1 and base64 are
 * written out here so this runs synchronously in the browser and in Node without node:crypto.
 */
import { toHex } from './bytes.ts';
import { fail, ok, type Result } from './layers.ts';

/** RFC 6455 1.3: the same GUID for every server, so only a WebSocket server can answer. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface HandshakeStep {
  title: string;
  value: string;
  meaning: string;
}

export interface AcceptComputation {
  key: string;
  concatenated: string;
  sha1Hex: string;
  accept: string;
  /** RFC 6455 4.1: the key should be 16 random bytes in base64 (24 characters). */
  keyLooksValid: boolean;
  steps: HandshakeStep[];
}

export function computeAccept(key: string): AcceptComputation {
  const concatenated = key + WEBSOCKET_GUID;
  const digest = sha1(new TextEncoder().encode(concatenated));
  const sha1Hex = toHex(digest, Number.POSITIVE_INFINITY, '');
  const accept = base64Encode(digest);
  const keyLooksValid = /^[A-Za-z0-9+/]{22}==$/.test(key);
  return {
    key,
    concatenated,
    sha1Hex,
    accept,
    keyLooksValid,
    steps: [
      {
        title: 'Sec-WebSocket-Key',
        value: key,
        meaning: keyLooksValid
          ? 'The client sent 16 random bytes, base64-encoded, so this answer cannot come from a cache (RFC 6455 4.1).'
          : 'This key is not 16 bytes in base64 as RFC 6455 4.1 asks, but the server computes the answer the same way.',
      },
      {
        title: 'Append the GUID',
        value: concatenated,
        meaning: `The server glues the fixed GUID ${WEBSOCKET_GUID} to the key; only software that knows WebSocket knows it (RFC 6455 1.3).`,
      },
      {
        title: 'SHA-1 digest',
        value: sha1Hex,
        meaning:
          'It hashes that text with SHA-1, giving 20 bytes (shown in hex) that change completely if one character changes.',
      },
      {
        title: 'Sec-WebSocket-Accept',
        value: accept,
        meaning:
          'The 20 bytes in base64 go back in Sec-WebSocket-Accept; the browser checks them before it trusts the upgrade (RFC 6455 4.2.2).',
      },
    ],
  };
}

/** SHA-1 (FIPS 180-4 section 6.1). Not for security here: it is what RFC 6455 specifies. */
export function sha1(message: Uint8Array): Uint8Array {
  const bitLength = message.length * 8;
  const padded = new Uint8Array((((message.length + 8) >> 6) + 1) << 6);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);
  for (let block = 0; block < padded.length; block += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(block + t * 4);
    for (let t = 16; t < 80; t++) {
      const x = (w[t - 3] ?? 0) ^ (w[t - 8] ?? 0) ^ (w[t - 14] ?? 0) ^ (w[t - 16] ?? 0);
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + (w[t] ?? 0)) >>> 0;
      e = d;
      d = c;
      c = ((b << 30) | (b >>> 2)) >>> 0;
      b = a;
      a = temp;
    }
    h0 = (h0 + a) >>> 0;
    h1 = (h1 + b) >>> 0;
    h2 = (h2 + c) >>> 0;
    h3 = (h3 + d) >>> 0;
    h4 = (h4 + e) >>> 0;
  }
  const out = new Uint8Array(20);
  const outView = new DataView(out.buffer);
  [h0, h1, h2, h3, h4].forEach((h, i) => {
    outView.setUint32(i * 4, h);
  });
  return out;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 with padding (RFC 4648 section 4). */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    const n = (b0 << 16) | (b1 << 8) | b2;
    out += BASE64[(n >> 18) & 63] ?? '';
    out += BASE64[(n >> 12) & 63] ?? '';
    out += i + 1 < bytes.length ? (BASE64[(n >> 6) & 63] ?? '') : '=';
    out += i + 2 < bytes.length ? (BASE64[n & 63] ?? '') : '=';
  }
  return out;
}

export interface ExtensionParam {
  name: string;
  /** true for a parameter without a value (like server_no_context_takeover). */
  value: string | true;
  meaning: string;
}

export interface ExtensionOffer {
  name: string;
  params: ExtensionParam[];
  meaning: string;
}

/** Header values longer than this are rejected rather than parsed. */
export const MAX_EXTENSIONS_HEADER_CHARS = 8192;

/**
 * Parses Sec-WebSocket-Extensions (RFC 6455 9.1): comma-separated extensions, each a token with
 * `;`-separated parameters, values a token or a quoted string. Explains permessage-deflate's
 * parameters (RFC 7692 7.1).
 */
export function parseExtensions(header: string): Result<ExtensionOffer[]> {
  if (header.length > MAX_EXTENSIONS_HEADER_CHARS) {
    return fail(
      'WS_EXTENSIONS_TOO_LONG',
      `Sec-WebSocket-Extensions is over ${MAX_EXTENSIONS_HEADER_CHARS} characters`,
    );
  }
  const offers: ExtensionOffer[] = [];
  for (const part of splitOutsideQuotes(header, ',')) {
    if (part.trim() === '') continue;
    const [nameRaw = '', ...rawParams] = splitOutsideQuotes(part, ';');
    const name = nameRaw.trim();
    if (!TOKEN.test(name)) return fail('WS_EXTENSION_BAD_NAME', `"${name}" is not a valid extension name`);
    const params: ExtensionParam[] = [];
    for (const raw of rawParams) {
      const eq = raw.indexOf('=');
      const paramName = (eq < 0 ? raw : raw.slice(0, eq)).trim();
      let value: string | true = true;
      if (eq >= 0) {
        value = raw.slice(eq + 1).trim();
        if (value.startsWith('"')) {
          if (value.length < 2 || !value.endsWith('"')) {
            return fail('WS_EXTENSION_BAD_PARAM', `unterminated quoted value for ${paramName}`);
          }
          value = value.slice(1, -1).replace(/\\(.)/g, '$1');
        }
        if (!TOKEN.test(value))
          return fail('WS_EXTENSION_BAD_PARAM', `"${value}" is not a valid value for ${paramName}`);
      }
      if (!TOKEN.test(paramName))
        return fail('WS_EXTENSION_BAD_PARAM', `"${paramName}" is not a valid parameter name`);
      params.push({ name: paramName, value, meaning: paramMeaning(name, paramName, value) });
    }
    offers.push({ name, params, meaning: extensionMeaning(name) });
  }
  return ok(offers);
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '\\' && quoted) {
      current += ch + (text[i + 1] ?? '');
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
      current += ch;
    } else if (ch === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function extensionMeaning(name: string): string {
  return name === 'permessage-deflate'
    ? 'permessage-deflate: each message may be compressed with DEFLATE, flagged by RSV1 on its first frame (RFC 7692).'
    : `${name}: an extension this page does not explain; the server only uses it if it echoes it back (RFC 6455 9.1).`;
}

function paramMeaning(extension: string, name: string, value: string | true): string {
  if (extension !== 'permessage-deflate') return `A parameter of ${extension}.`;
  switch (name) {
    case 'server_no_context_takeover':
      return 'The server starts every message with an empty compression window, trading ratio for memory (RFC 7692 7.1.1.1).';
    case 'client_no_context_takeover':
      return 'The client starts every message with an empty compression window (RFC 7692 7.1.1.2).';
    case 'server_max_window_bits':
      return `The server's LZ77 window is at most 2^${value === true ? '?' : value} bytes (RFC 7692 7.1.2.1).`;
    case 'client_max_window_bits':
      return value === true
        ? 'The client says it can limit its window; the server may pick a size in its answer (RFC 7692 7.1.2.2).'
        : `The client's LZ77 window is at most 2^${value} bytes (RFC 7692 7.1.2.2).`;
    default:
      return `${name} is not a permessage-deflate parameter, so the server must decline this offer (RFC 7692 7.1).`;
  }
}
