/**
 * The page's memory of wire events, as pure functions: a ring capped by a named constant and running
 * counts per unit. The counts cover everything captured since the page loaded, not just what the ring
 * still holds, so they keep adding up after old events fall out.
 */
import { WIRE_UNITS, type WireEvent, type WireUnit } from '../../protocol/inspect.ts';

/** Wire events the page keeps; a long polling session would otherwise grow without end. */
export const MAX_WIRE_EVENTS = 5000;

export type UnitCounts = Readonly<Record<WireUnit, number>>;

export const EMPTY_UNIT_COUNTS: UnitCounts = Object.fromEntries(
  WIRE_UNITS.map((unit) => [unit, 0]),
) as Record<WireUnit, number>;

/** The ring with the batch appended, oldest dropped past maxLength; the same array when the batch is empty. */
export function appendToRing<T>(ring: readonly T[], batch: readonly T[], maxLength: number): readonly T[] {
  if (batch.length === 0) return ring;
  if (batch.length >= maxLength) return batch.slice(batch.length - maxLength);
  const keep = Math.max(0, ring.length + batch.length - maxLength);
  return [...ring.slice(keep), ...batch];
}

export function countUnits(counts: UnitCounts, batch: readonly Pick<WireEvent, 'unit'>[]): UnitCounts {
  if (batch.length === 0) return counts;
  const next: Record<WireUnit, number> = { ...counts };
  for (const event of batch) next[event.unit] += 1;
  return next;
}
