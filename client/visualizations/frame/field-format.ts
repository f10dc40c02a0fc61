/** How a field's value and position read in the field list: plain text, every escape visible. */
import type { Field } from '../../../protocol/wire/layers.ts';
import { visibleText } from './escapes.ts';

/** A field's identity within one event: its layer and its place in that layer. */
export type FieldKey = `${number}.${number}`;

export function fieldKey(layerIndex: number, fieldIndex: number): FieldKey {
  return `${layerIndex}.${fieldIndex}`;
}

export function parseFieldKey(key: FieldKey): { layerIndex: number; fieldIndex: number } {
  const [layer, field] = key.split('.');
  return { layerIndex: Number(layer), fieldIndex: Number(field) };
}

/** A one-bit flag reads as the bit on the wire; other booleans as yes or no. */
export function formatFieldValue(field: Pick<Field, 'value' | 'bitLength'>): string {
  if (typeof field.value === 'boolean') {
    if (field.bitLength === 1) return field.value ? '1' : '0';
    return field.value ? 'yes' : 'no';
  }
  if (typeof field.value === 'number') return String(field.value);
  return visibleText(field.value);
}

export function byteRangeText(range: { byteOffset: number; byteLength: number }): string {
  if (range.byteLength <= 0) return `at byte ${range.byteOffset}`;
  if (range.byteLength === 1) return `byte ${range.byteOffset}`;
  return `bytes ${range.byteOffset}–${range.byteOffset + range.byteLength - 1}`;
}

/** "bits 4–7 of byte 0" (bit 0 is the most significant), or null when the field is whole bytes. */
export function bitRangeText(field: Pick<Field, 'byteOffset' | 'bitOffset' | 'bitLength'>): string | null {
  if (field.bitOffset === undefined || field.bitLength === undefined) return null;
  const last = field.bitOffset + field.bitLength - 1;
  const bits = field.bitLength === 1 ? `bit ${field.bitOffset}` : `bits ${field.bitOffset}–${last}`;
  return `${bits} of byte ${field.byteOffset}`;
}

export function byteCount(count: number): string {
  return count === 1 ? '1 byte' : `${count} bytes`;
}
