/** The first slab a window copies units into; each next one is twice as big, up to the largest. */
export const FIRST_SLAB_BYTES = 512;
export const MAX_SLAB_BYTES = 16 * 1024;

/**
 * The raw bytes of one direction of one connection, kept only as long as a unit may still need them,
 * and at most `maxUnitBytes` of each unit: a 3 MB body costs 4 KiB here, not 3 MB.
 *
 * Units are copied out into slabs shared by consecutive units, not each into its own ArrayBuffer: the
 * capture keeps thousands of units per client, and an ArrayBuffer apiece (an allocation outside the heap
 * that the GC then tracks) was the largest cost of keeping a WebSocket frame. A slab lives as long as its
 * last unit; rings drop units oldest first, so it costs at most one slab more per direction than the
 * units it holds. Slabs grow from small so that a connection carrying a few units keeps little.
 */
export class ByteWindow {
  readonly #maxUnitBytes: number;
  #slab: Uint8Array = new Uint8Array(0);
  #slabUsed = 0;
  /** Segments in stream order; the first starts at or after `#start`. */
  #segments: Array<{ offset: number; bytes: Uint8Array }> = [];
  /** Where the unit in progress begins (everything before it has been handed out). */
  #start = 0;
  /** Total bytes seen in this direction. */
  #end = 0;

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
    if (bytes.length > 0) this.#segments.push({ offset: this.#end, bytes });
    this.#end += bytes.length;
  }

  /**
   * Hands out the unit that ends at `end` (it starts where the previous one ended): its length and its
   * first `maxUnitBytes` bytes. Units never overlap, so byte lengths add up to the TCP payload.
   */
  take(end: number): { byteOffset: number; byteLength: number; bytes: Uint8Array } {
    const byteOffset = this.#start;
    const unitEnd = Math.max(byteOffset, Math.min(end, this.#end));
    const keepEnd = Math.min(unitEnd, byteOffset + this.#maxUnitBytes);
    const kept = this.#allocate(Math.max(0, keepEnd - byteOffset));
    for (const segment of this.#segments) {
      if (segment.offset >= keepEnd) break;
      const length = segment.bytes.length;
      const from = Math.max(segment.offset, byteOffset);
      const to = Math.min(segment.offset + length, keepEnd);
      if (to <= from) continue;
      // Most units take whole segments (a frame's header, then its payload): no view needed for those.
      const whole = from === segment.offset && to === segment.offset + length;
      kept.set(
        whole ? segment.bytes : segment.bytes.subarray(from - segment.offset, to - segment.offset),
        from - byteOffset,
      );
    }
    this.#start = unitEnd;
    this.#drop();
    return { byteOffset, byteLength: unitEnd - byteOffset, bytes: kept };
  }

  /** After a chunk was decoded: keep only what the unit in progress may still show. */
  trim(): void {
    this.#drop();
    const keepEnd = this.#start + this.#maxUnitBytes;
    const last = this.#segments.at(-1);
    if (!last || last.offset + last.bytes.length <= keepEnd) return;
    const kept: Array<{ offset: number; bytes: Uint8Array }> = [];
    for (const segment of this.#segments) {
      if (segment.offset >= keepEnd) break;
      const over = segment.offset + segment.bytes.length - keepEnd;
      kept.push(
        over > 0
          ? { offset: segment.offset, bytes: segment.bytes.slice(0, segment.bytes.length - over) }
          : segment,
      );
    }
    this.#segments = kept;
  }

  #allocate(length: number): Uint8Array {
    if (length > MAX_SLAB_BYTES / 2) return new Uint8Array(length);
    if (this.#slabUsed + length > this.#slab.length) {
      const size = Math.min(MAX_SLAB_BYTES, Math.max(FIRST_SLAB_BYTES, this.#slab.length * 2));
      this.#slab = new Uint8Array(Math.max(size, length));
      this.#slabUsed = 0;
    }
    const bytes = this.#slab.subarray(this.#slabUsed, this.#slabUsed + length);
    this.#slabUsed += length;
    return bytes;
  }

  #drop(): void {
    while (this.#segments.length > 0) {
      const first = this.#segments[0];
      if (!first || first.offset + first.bytes.length > this.#start) break;
      this.#segments.shift();
    }
  }
}
