/**
 * An HTTP/1.1 head line by line with what each line costs in bytes (RFC 9112 2-5), and the opening
 * handshake's Accept computation (RFC 6455 4.2.2) as the server recorded it on the 101's layers.
 */
import type { Layer } from '../../../protocol/wire/layers.ts';
import { visibleText } from './escapes.ts';

export const ACCEPT_LAYER = 'How the server computed Sec-WebSocket-Accept';

export type HeadLineKind = 'start' | 'header' | 'end';

export interface HeadLine {
  layerIndex: number;
  kind: HeadLineKind;
  /** "Status line", or the header's name as sent. */
  label: string;
  /** The line's bytes decoded, line end included and shown as ␍␊, with every other escape visible. */
  text: string;
  byteOffset: number;
  byteLength: number;
  /** Some of the line's bytes were not captured. */
  cut: boolean;
}

export interface HeadSummary {
  lines: HeadLine[];
  headBytes: number;
  /** Bytes after the head in this unit (a Content-Length body), or 0. */
  bodyBytes: number;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function kindOf(layer: Layer): HeadLineKind | null {
  if (layer.name === 'Request line' || layer.name === 'Status line') return 'start';
  if (layer.name.startsWith('Header: ')) return 'header';
  if (layer.name === 'End of head') return 'end';
  return null;
}

export function headLines(
  bytes: Uint8Array,
  layers: readonly Layer[],
  unitByteLength: number,
): HeadSummary | null {
  const lines: HeadLine[] = [];
  layers.forEach((layer, layerIndex) => {
    const kind = kindOf(layer);
    if (!kind) return;
    const end = layer.byteOffset + layer.byteLength;
    const slice = bytes.subarray(layer.byteOffset, Math.min(end, bytes.length));
    const nameField = layer.fields.find((field) => field.name === 'Name');
    lines.push({
      layerIndex,
      kind,
      label:
        kind === 'header'
          ? String(nameField?.value ?? layer.name)
          : kind === 'end'
            ? 'Empty line'
            : layer.name,
      text: visibleText(decoder.decode(slice)),
      byteOffset: layer.byteOffset,
      byteLength: layer.byteLength,
      cut: end > bytes.length,
    });
  });
  const last = lines.at(-1);
  if (!last) return null;
  const headBytes = last.byteOffset + last.byteLength - (lines[0]?.byteOffset ?? 0);
  const bodyBytes =
    last.kind === 'end' ? Math.max(0, unitByteLength - (last.byteOffset + last.byteLength)) : 0;
  return { lines, headBytes, bodyBytes };
}

export interface AcceptStep {
  fieldIndex: number;
  title: string;
  value: string;
  meaning: string;
}

export interface AcceptComputation {
  layerIndex: number;
  steps: AcceptStep[];
  matches: boolean | null;
  matchesMeaning: string;
}

export function acceptComputation(layers: readonly Layer[]): AcceptComputation | null {
  const layerIndex = layers.findIndex((layer) => layer.name === ACCEPT_LAYER);
  const layer = layers[layerIndex];
  if (!layer) return null;
  const steps: AcceptStep[] = [];
  let matches: boolean | null = null;
  let matchesMeaning = '';
  layer.fields.forEach((field, fieldIndex) => {
    if (field.name === 'Matches') {
      matches = field.value === true;
      matchesMeaning = field.meaning;
      return;
    }
    steps.push({
      fieldIndex,
      title: field.name,
      value: visibleText(String(field.value)),
      meaning: field.meaning,
    });
  });
  return { layerIndex, steps, matches, matchesMeaning };
}
