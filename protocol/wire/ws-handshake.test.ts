import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Encode, computeAccept, parseExtensions, sha1 } from './ws-handshake.ts';

describe('computeAccept (RFC 6455 1.3, 4.2.2)', () => {
  it('matches the RFC example, step by step', () => {
    const result = computeAccept('dGhlIHNhbXBsZSBub25jZQ==');
    expect(result.accept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(result.concatenated).toBe('dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
    expect(result.sha1Hex).toBe('b37a4f2cc0624f1690f64606cf385945b2bec4ea');
    expect(result.keyLooksValid).toBe(true);
    expect(result.steps.map((s) => s.title)).toEqual([
      'Sec-WebSocket-Key',
      'Append the GUID',
      'SHA-1 digest',
      'Sec-WebSocket-Accept',
    ]);
  });

  it('agrees with node:crypto for any key', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (key) => {
        const expected = createHash('sha1')
          .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
          .digest('base64');
        expect(computeAccept(key).accept).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('sha1 and base64 agree with node for any bytes, across block boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(Buffer.from(sha1(bytes)).toString('hex')).toBe(createHash('sha1').update(bytes).digest('hex'));
        expect(base64Encode(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
      { numRuns: 300 },
    );
  });

  it('flags a key that is not 16 bytes of base64', () => {
    expect(computeAccept('short').keyLooksValid).toBe(false);
  });
});

describe('parseExtensions (RFC 6455 9.1, RFC 7692 7.1)', () => {
  it('reads a browser offer', () => {
    const result = parseExtensions('permessage-deflate; client_max_window_bits');
    expect(result.ok && result.value).toMatchObject([
      { name: 'permessage-deflate', params: [{ name: 'client_max_window_bits', value: true }] },
    ]);
  });

  it('reads a server answer with quoted values and several offers', () => {
    const result = parseExtensions(
      'permessage-deflate; server_no_context_takeover; client_max_window_bits="10", x-other',
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.map((e) => e.name)).toEqual(['permessage-deflate', 'x-other']);
    expect(result.value[0]?.params.map((p) => [p.name, p.value])).toEqual([
      ['server_no_context_takeover', true],
      ['client_max_window_bits', '10'],
    ]);
    expect(result.value[0]?.params[1]?.meaning).toContain('2^10');
  });

  it('returns an error for bad syntax and never throws', () => {
    expect(parseExtensions('bad name; x').ok).toBe(false);
    expect(parseExtensions('permessage-deflate; a="unterminated').ok).toBe(false);
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (s) => typeof parseExtensions(s).ok === 'boolean'),
      { numRuns: 300 },
    );
  });
});
