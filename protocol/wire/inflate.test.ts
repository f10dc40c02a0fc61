import { constants, createDeflateRaw, type DeflateRaw, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from './bytes.ts';
import { Inflater, inflateRaw, PERMESSAGE_TAIL } from './inflate.ts';

const encoder = new TextEncoder();

/** What a permessage-deflate sender does (RFC 7692 7.2.1): sync flush, then strip the trailing 00 00 ff ff. */
function flushMessage(deflate: DeflateRaw, message: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    deflate.on('data', onData);
    deflate.once('error', reject);
    deflate.write(message);
    deflate.flush(constants.Z_SYNC_FLUSH, () => {
      deflate.off('data', onData);
      const all = Buffer.concat(chunks);
      expect([...all.subarray(-4)]).toEqual([...PERMESSAGE_TAIL]);
      resolve(new Uint8Array(all.subarray(0, -4)));
    });
  });
}

const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.string({ maxLength: 2000, unit: 'grapheme' }).map((text) => encoder.encode(text)),
  // Repetitive text: long matches, overlapping copies, dynamic blocks.
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 400 }))
    .map(([word, times]) => encoder.encode(word.repeat(times))),
);

describe('inflateRaw: RFC 1951 streams', () => {
  it('inflates RFC-style hand-made blocks: stored, fixed', () => {
    // A final stored block holding "abc": 1 (BFINAL) 00 (stored), padding, LEN 3, NLEN, bytes.
    const stored = inflateRaw(fromHex('01 03 00 fc ff 61 62 63'));
    expect(stored).toMatchObject({ ok: true, blocks: [{ kind: 'stored', final: true, outputBytes: 3 }] });
    expect(new TextDecoder().decode(stored.data)).toBe('abc');
    const fixed = inflateRaw(deflateRawSync('aaaaaaaaaaaaaaaaaaaa', { strategy: constants.Z_FIXED }));
    expect(fixed).toMatchObject({ ok: true, inflatedLength: 20 });
    expect(fixed.blocks[0]?.kind).toBe('fixed');
  });

  it('inflates whatever zlib deflates, at every level and strategy', () => {
    fc.assert(
      fc.property(
        bytesArb,
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom(
          constants.Z_DEFAULT_STRATEGY,
          constants.Z_FIXED,
          constants.Z_HUFFMAN_ONLY,
          constants.Z_RLE,
        ),
        (input, level, strategy) => {
          const result = inflateRaw(deflateRawSync(input, { level, strategy }), { maxKeptBytes: 1 << 20 });
          expect(result.ok).toBe(true);
          expect(Buffer.from(result.data).equals(Buffer.from(input))).toBe(true);
          expect(result.inflatedLength).toBe(input.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps only maxKeptBytes but still counts everything, and stops a deflate bomb', () => {
    const big = new Uint8Array(200_000).fill(97);
    const kept = inflateRaw(deflateRawSync(big), { maxKeptBytes: 100 });
    expect(kept).toMatchObject({ ok: true, inflatedLength: 200_000, truncated: true });
    expect(kept.data.length).toBe(100);
    const bomb = inflateRaw(deflateRawSync(big), { maxInflatedBytes: 50_000, maxKeptBytes: 10 });
    expect(bomb).toMatchObject({ ok: false, error: { code: 'INFLATE_ERR_TOO_BIG', closeCode: 1009 } });
    expect(bomb.inflatedLength).toBe(50_000);
  });

  it('reports corrupt input as an error result, never a throw', () => {
    expect(inflateRaw(fromHex('07'))).toMatchObject({
      ok: false,
      error: { code: 'INFLATE_ERR_BAD_BLOCK_TYPE' },
    });
    expect(inflateRaw(fromHex('01 03 00 fc fe 61 62 63'))).toMatchObject({
      ok: false,
      error: { code: 'INFLATE_ERR_STORED_LENGTH' },
    });
    expect(inflateRaw(fromHex('01 03 00 fc ff 61'))).toMatchObject({
      ok: false,
      error: { code: 'INFLATE_ERR_TRUNCATED' },
    });
    expect(inflateRaw(new Uint8Array(0))).toMatchObject({
      ok: false,
      error: { code: 'INFLATE_ERR_TRUNCATED' },
    });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (junk) => {
        const result = inflateRaw(junk, { maxInflatedBytes: 100_000 });
        expect(typeof result.ok).toBe('boolean');
        expect(result.data.length).toBeLessThanOrEqual(4096);
      }),
      { numRuns: 1000 },
    );
  });

  it('reports flipped bits in real deflate output as an error or different bytes, never a throw', () => {
    fc.assert(
      fc.property(bytesArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (input, at, bit) => {
        const stream = new Uint8Array(deflateRawSync(input));
        const index = at % stream.length;
        stream[index] = (stream[index] ?? 0) ^ (1 << bit);
        const result = inflateRaw(stream, { maxKeptBytes: 1 << 20 });
        if (result.ok) expect(result.inflatedLength).toBeGreaterThanOrEqual(0);
        else expect(result.error.code).toMatch(/^INFLATE_ERR_/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Inflater: permessage-deflate messages sharing one window (RFC 7692 7.2.2)', () => {
  it('inflates many sync-flushed messages of one context in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(bytesArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 9 }),
        async (messages, level) => {
          const deflate = createDeflateRaw({ level });
          const inflater = new Inflater({ maxKeptBytes: 1 << 20 });
          try {
            for (const message of messages) {
              const compressed = await flushMessage(deflate, message);
              const result = inflater.inflateMessage(compressed);
              expect(result.ok).toBe(true);
              expect(Buffer.from(result.data).equals(Buffer.from(message))).toBe(true);
            }
          } finally {
            deflate.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('needs the earlier messages: a later message copies from them', async () => {
    const deflate = createDeflateRaw();
    const line = encoder.encode('{"type":"message","message":{"seq":1,"text":"hello, wire"}}');
    const first = await flushMessage(deflate, line);
    const second = await flushMessage(deflate, line);
    deflate.close();
    // The repeat is a handful of bytes: one copy from the first message's window.
    expect(second.length).toBeLessThan(first.length / 3);
    const fresh = new Inflater().inflateMessage(second);
    expect(fresh).toMatchObject({ ok: false, error: { code: 'INFLATE_ERR_DISTANCE_TOO_FAR' } });
    const shared = new Inflater();
    shared.inflateMessage(first);
    expect(new TextDecoder().decode(shared.inflateMessage(second).data)).toBe(new TextDecoder().decode(line));
  });

  it('after a corrupt message says the context is lost, until reset', async () => {
    const deflate = createDeflateRaw();
    const good = await flushMessage(deflate, encoder.encode('hello hello hello'));
    deflate.close();
    const inflater = new Inflater();
    expect(inflater.inflateMessage(fromHex('ff ff ff')).ok).toBe(false);
    expect(inflater.inflateMessage(good)).toMatchObject({
      ok: false,
      error: { code: 'INFLATE_ERR_CONTEXT_LOST' },
    });
    inflater.reset();
    expect(inflater.inflateMessage(good).ok).toBe(true);
  });

  it('keeps only maxKeptBytes of a message but the whole window for the next', async () => {
    const deflate = createDeflateRaw();
    const long = encoder.encode(`${'x'.repeat(5000)}tail-of-the-first-message`);
    const first = await flushMessage(deflate, long);
    const second = await flushMessage(deflate, encoder.encode('tail-of-the-first-message'));
    deflate.close();
    const inflater = new Inflater({ maxKeptBytes: 16 });
    expect(inflater.inflateMessage(first)).toMatchObject({
      ok: true,
      truncated: true,
      inflatedLength: long.length,
    });
    expect(new TextDecoder().decode(inflater.inflateMessage(second).data)).toBe('tail-of-the-firs');
  });
});
