import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWindow, MAX_SLAB_BYTES, type TakenUnit } from './byte-window.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

/** A taken unit as plain values (take returns one object that the next call overwrites). */
function read(taken: Readonly<TakenUnit>) {
  const kept = taken.slab.subarray(taken.slabOffset, taken.slabOffset + taken.keptLength);
  return { byteOffset: taken.byteOffset, byteLength: taken.byteLength, bytes: Uint8Array.from(kept) };
}

describe('ByteWindow', () => {
  it('hands out consecutive units that add up to every byte appended', () => {
    const window = new ByteWindow(100);
    window.append(bytes(1, 2, 3));
    window.append(bytes(4, 5));
    const first = read(window.take(2));
    const second = read(window.take(5));
    expect(first).toEqual({ byteOffset: 0, byteLength: 2, bytes: bytes(1, 2) });
    expect(second).toEqual({ byteOffset: 2, byteLength: 3, bytes: bytes(3, 4, 5) });
    expect(first.byteLength + second.byteLength).toBe(window.end);
  });

  it('keeps at most maxUnitBytes of a unit but reports its full length', () => {
    const window = new ByteWindow(4);
    window.append(new Uint8Array(1000).fill(7));
    window.trim();
    window.append(new Uint8Array(1000).fill(8));
    window.trim();
    const unit = read(window.take(2000));
    expect(unit.byteLength).toBe(2000);
    expect(unit.bytes).toEqual(bytes(7, 7, 7, 7));
  });

  it('after a trim, keeps the start of the unit in progress, not the bytes already handed out', () => {
    const window = new ByteWindow(3);
    window.append(bytes(1, 2, 3, 4, 5, 6, 7, 8));
    expect(read(window.take(2)).bytes).toEqual(bytes(1, 2));
    window.trim();
    window.append(bytes(9));
    expect(read(window.take(9))).toEqual({ byteOffset: 2, byteLength: 7, bytes: bytes(3, 4, 5) });
  });

  it('a unit past its cap still leaves the next unit of the same chunk whole', () => {
    const window = new ByteWindow(2);
    window.append(bytes(1, 2, 3, 4, 5, 6));
    expect(read(window.take(4)).bytes).toEqual(bytes(1, 2));
    expect(read(window.take(6))).toEqual({ byteOffset: 4, byteLength: 2, bytes: bytes(5, 6) });
  });

  it('never hands out bytes it has not seen', () => {
    const window = new ByteWindow(10);
    window.append(bytes(1, 2));
    expect(read(window.take(50))).toEqual({ byteOffset: 0, byteLength: 2, bytes: bytes(1, 2) });
    expect(window.take(50).byteLength).toBe(0);
  });

  it('encodes a string into the unit as Node would, and hands back those very bytes', () => {
    const window = new ByteWindow(100);
    window.append(bytes(0x81, 7));
    const written = window.appendString('hé ✓!', 'utf8');
    expect(written && Buffer.from(written).toString('hex')).toBe(
      Buffer.from('hé ✓!', 'utf8').toString('hex'),
    );
    const taken = window.take(window.end);
    expect(read(taken).bytes).toEqual(Uint8Array.from([0x81, 7, ...Buffer.from('hé ✓!', 'utf8')]));
    // Node writes `written`: it is the unit's own memory, not a copy.
    expect(written?.buffer).toBe(taken.slab.buffer);
    expect(written?.byteOffset).toBe(taken.slab.byteOffset + taken.slabOffset + 2);
  });

  it('leaves a string to the caller when the unit would not keep all of it, or the encoding is another', () => {
    const window = new ByteWindow(8);
    window.append(bytes(1, 2, 3, 4, 5));
    expect(window.appendString('abcd', 'latin1')).toBeNull();
    expect(window.appendString('abc', 'latin1')).not.toBeNull();
    expect(window.appendString('ab', 'hex')).toBeNull();
    expect(window.end).toBe(8);
  });

  it('a slab Node may still be writing from is never written again', () => {
    const window = new ByteWindow(4096);
    const written: Array<{ bytes: Uint8Array; text: string }> = [];
    for (let index = 0; index < 200; index += 1) {
      const text = `message ${index} `.repeat((index % 13) + 1);
      const bytes = window.appendString(text, 'latin1');
      if (bytes) written.push({ bytes, text });
      if (index % 3 === 0) window.take(window.end);
    }
    expect(written.length).toBe(200);
    for (const { bytes, text } of written) expect(Buffer.from(bytes).toString('latin1')).toBe(text);
  });

  it('gives every unit exactly the bytes of the stream, however chunks, strings and unit ends fall', () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((data) => ({ kind: 'bytes' as const, data })),
      fc.string({ maxLength: 200, unit: 'binary' }).map((text) => ({ kind: 'utf8' as const, text })),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ piece, cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }) }),
          {
            maxLength: 30,
          },
        ),
        fc.constantFrom(1, 7, 64, 4096, MAX_SLAB_BYTES),
        (chunks, maxUnitBytes) => {
          const window = new ByteWindow(maxUnitBytes);
          const stream: number[] = [];
          const units: Array<ReturnType<typeof read>> = [];
          for (const { piece, cuts } of chunks) {
            const chunkStart = window.end;
            if (piece.kind === 'bytes') {
              window.append(piece.data);
              stream.push(...piece.data);
            } else {
              const encoded = Buffer.from(piece.text, 'utf8');
              const written = window.appendString(piece.text, 'utf8');
              if (written) expect(Buffer.from(written)).toEqual(encoded);
              else window.append(encoded);
              stream.push(...encoded);
            }
            // A decoder ends units only inside the chunk it was just given.
            const ends = cuts.map((cut) => chunkStart + Math.round(cut * (window.end - chunkStart)));
            for (const end of ends.sort((a, b) => a - b)) units.push(read(window.take(end)));
            window.trim();
          }
          units.push(read(window.take(window.end)));
          let offset = 0;
          for (const unit of units) {
            expect(unit.byteOffset).toBe(offset);
            const all = stream.slice(offset, offset + unit.byteLength);
            expect(unit.bytes).toEqual(Uint8Array.from(all.slice(0, maxUnitBytes)));
            offset += unit.byteLength;
          }
          expect(offset).toBe(stream.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
