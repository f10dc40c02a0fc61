/**
 * A unit as the capture hands it to inspectors, and what a ring keeps of it until then. Under CAPTURE_ALL
 * a ring holds thousands of units per client and most are never read, so what each costs the garbage
 * collector is much of what capture costs: the objects kept per frame (a unit, its pending details, a
 * view of its bytes) were most of what every scavenge copied. So a unit's bytes are a place in its
 * window's slab, and the frames that are read later are rows of a table (ws-frame-unit.ts), not objects:
 * a ring keeps the table and the row, and the unit object is made when someone reads it.
 */
import type { WireDirection, WireUnit } from '../../protocol/inspect.ts';
import type { SlabBytes } from './byte-window.ts';
import type { Exchange, UnitDetails } from './unit-details.ts';

/** What a ring keeps for a unit: the unit itself, or a table that holds it as one of its rows. */
export interface UnitRows {
  /** The unit at `row`, as an object (a unit object is its own only row). */
  unitAt(row: number): DecodedUnit;
}

export abstract class DecodedUnit implements UnitRows {
  /** The connection it crossed (ConnectionRecorderOptions.connId). */
  abstract get connId(): number;
  abstract get exchange(): Exchange;
  abstract get dir(): WireDirection;
  abstract get unit(): WireUnit;
  abstract get atMs(): number;
  /** The unit's full length on the wire; at most maxUnitBytes of it are kept. */
  abstract get byteLength(): number;
  /** The kept bytes: the first maxUnitBytes of the unit (a view made on each call). */
  abstract get bytes(): Uint8Array;
  /** True when its details are read only when asked (ws-frame-unit.ts). */
  abstract get isDeferred(): boolean;
  /** Its layers, seqs and summaries; built on each call when deferred (the ring keeps the event it makes). */
  abstract details(): UnitDetails;

  unitAt(): DecodedUnit {
    return this;
  }
}

/** A unit whose details were read as its bytes crossed: HTTP, SSE, and the frames that cannot wait. */
export class DescribedUnit extends DecodedUnit {
  readonly connId: number;
  readonly exchange: Exchange;
  readonly dir: WireDirection;
  readonly unit: WireUnit;
  readonly atMs: number;
  readonly byteLength: number;
  readonly #slab: Uint8Array;
  readonly #slabOffset: number;
  readonly #keptLength: number;
  readonly #details: UnitDetails;

  constructor(
    stamp: { connId: number; exchange: Exchange; dir: WireDirection; unit: WireUnit; atMs: number },
    byteLength: number,
    kept: Readonly<SlabBytes>,
    details: UnitDetails,
  ) {
    super();
    this.connId = stamp.connId;
    this.exchange = stamp.exchange;
    this.dir = stamp.dir;
    this.unit = stamp.unit;
    this.atMs = stamp.atMs;
    this.byteLength = byteLength;
    this.#slab = kept.slab;
    this.#slabOffset = kept.slabOffset;
    this.#keptLength = kept.keptLength;
    this.#details = details;
  }

  get bytes(): Uint8Array {
    return this.#slab.subarray(this.#slabOffset, this.#slabOffset + this.#keptLength);
  }

  get isDeferred(): boolean {
    return false;
  }

  details(): UnitDetails {
    return this.#details;
  }
}
