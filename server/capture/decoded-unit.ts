/**
 * A unit as the capture keeps it until someone reads it: one object per unit, its bytes a place in its
 * window's slab (a view is made when they are read). Under CAPTURE_ALL a ring holds thousands of these
 * per client and most are never read, so what each one costs the garbage collector is what capture
 * costs: the objects kept per frame (a unit, its pending details, a view of its bytes) were most of what
 * every scavenge copied.
 */
import type { WireDirection, WireUnit } from '../../protocol/inspect.ts';
import type { SlabBytes } from './byte-window.ts';
import type { Exchange, UnitDetails } from './unit-details.ts';

export abstract class DecodedUnit {
  readonly atMs: number;
  /** The unit's full length on the wire; at most maxUnitBytes of it are kept. */
  readonly byteLength: number;
  readonly #slab: Uint8Array;
  readonly #slabOffset: number;
  readonly #keptLength: number;

  constructor(atMs: number, byteLength: number, kept: Readonly<SlabBytes>) {
    this.atMs = atMs;
    this.byteLength = byteLength;
    this.#slab = kept.slab;
    this.#slabOffset = kept.slabOffset;
    this.#keptLength = kept.keptLength;
  }

  /** The connection it crossed (ConnectionRecorderOptions.connId). */
  abstract get connId(): number;
  abstract get exchange(): Exchange;
  abstract get dir(): WireDirection;
  abstract get unit(): WireUnit;
  /** True when its details are read only when asked (ws-frame-unit.ts). */
  abstract get isDeferred(): boolean;
  /** Its layers, seqs and summaries; built on each call when deferred (the ring keeps the event it makes). */
  abstract details(): UnitDetails;

  /** The kept bytes: the first maxUnitBytes of the unit. */
  get bytes(): Uint8Array {
    return this.#slab.subarray(this.#slabOffset, this.#slabOffset + this.#keptLength);
  }
}

/** A unit whose details were read as its bytes crossed: HTTP, SSE, and the frames that cannot wait. */
export class DescribedUnit extends DecodedUnit {
  readonly connId: number;
  readonly exchange: Exchange;
  readonly dir: WireDirection;
  readonly unit: WireUnit;
  readonly #details: UnitDetails;

  constructor(
    stamp: { connId: number; exchange: Exchange; dir: WireDirection; unit: WireUnit; atMs: number },
    byteLength: number,
    kept: Readonly<SlabBytes>,
    details: UnitDetails,
  ) {
    super(stamp.atMs, byteLength, kept);
    this.connId = stamp.connId;
    this.exchange = stamp.exchange;
    this.dir = stamp.dir;
    this.unit = stamp.unit;
    this.#details = details;
  }

  get isDeferred(): boolean {
    return false;
  }

  details(): UnitDetails {
    return this.#details;
  }
}
