/**
 * What the inspector lights up: a byte range (and maybe bits of it), named by the field or layer the
 * learner pointed at. Every view reads the same value, so pointing anywhere shows the bytes everywhere.
 */
import type { WireEvent } from '../../../protocol/inspect.ts';
import { type FieldKey, fieldKey, parseFieldKey } from './field-format.ts';
import type { ByteRange } from './hex-grid.ts';

export interface Highlight {
  range: ByteRange;
  /** Set when a field was pointed at; its bits light up in the bit diagram. */
  field: FieldKey | null;
  /** The layer pointed at, or the layer of the field. */
  layerIndex: number;
}

export function fieldHighlight(event: Pick<WireEvent, 'layers'>, key: FieldKey): Highlight | null {
  const { layerIndex, fieldIndex } = parseFieldKey(key);
  const field = event.layers[layerIndex]?.fields[fieldIndex];
  if (!field) return null;
  return { range: { byteOffset: field.byteOffset, byteLength: field.byteLength }, field: key, layerIndex };
}

export function layerHighlight(event: Pick<WireEvent, 'layers'>, layerIndex: number): Highlight | null {
  const layer = event.layers[layerIndex];
  if (!layer) return null;
  return { range: { byteOffset: layer.byteOffset, byteLength: layer.byteLength }, field: null, layerIndex };
}

export function ownerHighlight(
  event: Pick<WireEvent, 'layers'>,
  owner: { layerIndex: number; fieldIndex: number },
): Highlight | null {
  if (owner.fieldIndex >= 0) return fieldHighlight(event, fieldKey(owner.layerIndex, owner.fieldIndex));
  return owner.layerIndex >= 0 ? layerHighlight(event, owner.layerIndex) : null;
}

export function sameHighlight(a: Highlight | null, b: Highlight | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.field === b.field &&
    a.layerIndex === b.layerIndex &&
    a.range.byteOffset === b.range.byteOffset &&
    a.range.byteLength === b.range.byteLength
  );
}
