/** The first slab a window copies units into; each next one is twice as big, up to the largest. */
export const FIRST_SLAB_BYTES = 512;
export const MAX_SLAB_BYTES = 16 * 1024;

const NO_BYTES = new Uint8Array(0);

/** Where a unit's kept bytes sit: `slab[slabOffset, slabOffset + keptLength)`. */
export interface SlabBytes {
  slab: Uint8Array;
  slabOffset: number;
  keptLength: number;
}

/** A unit handed out by `take`: where it sits in the stream, its length, and where its kept bytes are. */
export interface TakenUnit extends SlabBytes {
  byteOffset: number;
  byteLength: number;
}

/**
 * The raw bytes of one direction of one connection, kept only as long as a unit may still need them,
 * and at most `maxUnitBytes` of each unit: a 3 MB body costs 4 KiB here, not 3 MB.
 *
 * Bytes are copied into a slab as they are appended, so consecutive units lie one after the other in it
 * and handing a unit out copies nothing and allocates nothing: a unit is a place in a slab, not an
 * object of its own (the capture keeps thousands per client, and the objects it kept per unit were most
 * of what the garbage collector copied). A string about to be written can be encoded straight into the
 * slab (`appendString`): Node then writes the slab's bytes, so the string is encoded once, not twice.
 * A slab lives as long as its last unit; rings drop units oldest first, so it costs at most one slab
 * more per direction than the units it holds. Slabs grow from small so that a connection carrying a few
 * units keeps little.
 */
export class ByteWindow {
  readonly #maxUnitBytes: number;
  #slab: Uint8Array = NO_BYTES;
  /** The same memory as a Buffer, for encoding strings into it; the slab itself stays a plain Uint8Array,
   * whose views are cheaper to make than a Buffer's. */
  #slabWriter: Buffer = Buffer.alloc(0);
  /** Where in the slab the unit in progress begins; its copied bytes follow it contiguously. */
  #slabStart = 0;
  /** Where the unit in progress begins in the stream (everything before it has been handed out). */
  #start = 0;
  /** Stream bytes `[#start, #copiedEnd)` are in the slab at `#slabStart`; at most `maxUnitBytes` of them. */
  #copiedEnd = 0;
  /** Total bytes seen in this direction. */
  #end = 0;
  /**
   * The latest chunk, until `trim`: bytes of it past the unit in progress's cap are not copied, yet a
   * unit that ends inside the chunk makes room for the next one, whose bytes then come from here.
   */
  #pending: Uint8Array = NO_BYTES;
  #pendingOffset = 0;
  /** What `take` returns: one object, overwritten by every call. */
  readonly #taken: TakenUnit = { slab: NO_BYTES, slabOffset: 0, keptLength: 0, byteOffset: 0, byteLength: 0 };

  constructor(maxUnitBytes: number) {
    this.#maxUnitBytes = maxUnitBytes;
  }

  get end(): number {
    return this.#end;
  }

  get unitStart(): number {
    return this.#start;
  }

  append(bytes: Uint8Array): void {
    this.#pending = bytes;
    this.#pendingOffset = this.#end;
    this.#end += bytes.length;
    this.#copyPending();
  }

  /**
   * Encodes `text` into the slab as the next bytes of the stream and returns them (a view Node can write:
   * that memory is never written again), or null when they would not all be kept (the unit in progress
   * would pass its cap) or the encoding is not one this handles; the caller then encodes and `append`s.
   */
  appendString(text: string, encoding: BufferEncoding): Uint8Array | null {
    if (this.#copiedEnd !== this.#end) return null;
    let length: number;
    if (encoding === 'latin1' || encoding === 'binary') length = text.length;
    else if (encoding === 'utf8' || encoding === 'utf-8') length = Buffer.byteLength(text, 'utf8');
    else return null;
    const inProgress = this.#copiedEnd - this.#start;
    if (length === 0 || inProgress + length > this.#maxUnitBytes) return null;
    this.#makeRoom(inProgress, length);
    const at = this.#slabStart + inProgress;
    this.#slabWriter.write(text, at, length, encoding);
    // Node writes any Uint8Array.
    const bytes = this.#slab.subarray(at, at + length);
    this.#pending = bytes;
    this.#pendingOffset = this.#end;
    this.#end += length;
    this.#copiedEnd = this.#end;
    return bytes;
  }

  /**
   * Hands out the unit that ends at `end` (it starts where the previous one ended): its length and where
   * its first `maxUnitBytes` bytes are. Units never overlap, so byte lengths add up to the TCP payload.
   * Returns the same object every time: read it before the next call.
   */
  take(end: number): Readonly<TakenUnit> {
    const byteOffset = this.#start;
    const unitEnd = Math.max(byteOffset, Math.min(end, this.#end));
    const keptLength = Math.min(unitEnd, this.#copiedEnd) - byteOffset;
    const taken = this.#taken;
    taken.slab = this.#slab;
    taken.slabOffset = this.#slabStart;
    taken.keptLength = keptLength;
    taken.byteOffset = byteOffset;
    taken.byteLength = unitEnd - byteOffset;
    this.#slabStart += keptLength;
    this.#start = unitEnd;
    // A unit past its cap copied none of its later bytes; either way the next unit's cap now starts here,
    // and what more of it may be kept is still in the pending chunk.
    if (this.#copiedEnd < unitEnd) this.#copiedEnd = unitEnd;
    this.#copyPending();
    return taken;
  }

  /**
   * After a chunk was decoded: forget it. Every unit that ended inside it has been taken, and the unit in
   * progress has its first `maxUnitBytes` in the slab already; the rest of the chunk would never be shown.
   */
  trim(): void {
    this.#pending = NO_BYTES;
  }

  /** Copies what the unit in progress may keep of the pending chunk, from where the copy stopped. */
  #copyPending(): void {
    const from = Math.max(this.#copiedEnd, this.#pendingOffset);
    const to = Math.min(this.#end, this.#start + this.#maxUnitBytes);
    // A gap (from > copiedEnd) happens only when the unit in progress is past its cap, and then to <= from.
    if (to <= from) return;
    const inProgress = this.#copiedEnd - this.#start;
    this.#makeRoom(inProgress, to - from);
    const pending = this.#pending;
    const start = from - this.#pendingOffset;
    const length = to - from;
    this.#slab.set(
      start === 0 && length === pending.length ? pending : pending.subarray(start, start + length),
      this.#slabStart + inProgress,
    );
    this.#copiedEnd = to;
  }

  /** Room for `length` more bytes after the unit in progress's `inProgress`; moves that unit to a new slab if needed. */
  #makeRoom(inProgress: number, length: number): void {
    const slab = this.#slab;
    if (this.#slabStart + inProgress + length <= slab.length) return;
    const size = Math.min(MAX_SLAB_BYTES, Math.max(FIRST_SLAB_BYTES, slab.length * 2));
    // Zeroed, though only bytes written here are ever handed out.
    const next = new Uint8Array(Math.max(size, inProgress + length));
    // The old slab is left as it is: units already taken, and bytes Node may still be writing, point into it.
    if (inProgress > 0) next.set(slab.subarray(this.#slabStart, this.#slabStart + inProgress));
    this.#slab = next;
    this.#slabWriter = Buffer.from(next.buffer, next.byteOffset, next.byteLength);
    this.#slabStart = 0;
  }
}
