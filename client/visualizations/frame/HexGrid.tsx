import { memo, type PointerEvent, useMemo } from 'react';
import type { Layer } from '../../../protocol/wire/layers.ts';
import { bitRangeText, byteRangeText, formatFieldValue, parseFieldKey } from './field-format.ts';
import { type HexCell, type HexRow, rangeRuns } from './hex-grid.ts';
import type { Highlight } from './highlight.ts';

/** Geometry of the grid in SVG units; the SVG scales to its box, the text stays in proportion. */
const OFFSET_WIDTH = 42;
const HEX_CELL = 26;
const GAP = 12;
const TEXT_CELL = 13;
const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 18;
const HEX_X = OFFSET_WIDTH;
/** The colours cycle through this many layer tints (frame.css: --frame-layer-0 … 7). */
export const LAYER_TINTS = 8;
/** Advance of one monospace character at the text column's font size (14 units). */
const TEXT_CHAR_WIDTH = 8.4;

function textX(bytesPerRow: number): number {
  return HEX_X + bytesPerRow * HEX_CELL + GAP;
}

export function hexGridWidth(bytesPerRow: number): number {
  return textX(bytesPerRow) + bytesPerRow * TEXT_CELL + 2;
}

interface HexGridProps {
  bytesPerRow: number;
  rows: readonly HexRow[];
  layers: readonly Layer[];
  highlight: Highlight | null;
  hoveredByte: number | null;
  onHoverByte(byteOffset: number | null): void;
  label: string;
}

function runsOf(cells: readonly HexCell[]): { start: number; end: number; cell: HexCell }[] {
  const runs: { start: number; end: number; cell: HexCell }[] = [];
  cells.forEach((cell, column) => {
    const last = runs.at(-1);
    if (last && last.cell.layerIndex === cell.layerIndex && last.cell.fieldIndex === cell.fieldIndex) {
      last.end = column + 1;
    } else runs.push({ start: column, end: column + 1, cell });
  });
  return runs;
}

/** Rows never change while the learner points around, so they are drawn once and kept. */
const GridRows = memo(function GridRows({
  rows,
  bytesPerRow,
}: {
  rows: readonly HexRow[];
  bytesPerRow: number;
}) {
  const TEXT_X = textX(bytesPerRow);
  return (
    <g className="hex-rows">
      {rows.map((row, rowIndex) => {
        const y = HEADER_HEIGHT + rowIndex * ROW_HEIGHT;
        const baseline = y + ROW_HEIGHT / 2 + 5;
        return (
          <g key={row.byteOffset} data-row={row.byteOffset}>
            {runsOf(row.cells).map((run) => {
              const tint = run.cell.layerIndex < 0 ? 'none' : String(run.cell.layerIndex % LAYER_TINTS);
              return (
                <g key={run.start} className="hex-run" data-tint={tint}>
                  <rect
                    x={HEX_X + run.start * HEX_CELL + 1}
                    y={y + 1}
                    width={(run.end - run.start) * HEX_CELL - 2}
                    height={ROW_HEIGHT - 2}
                    rx={3}
                  />
                  <rect
                    x={TEXT_X + run.start * TEXT_CELL + 0.5}
                    y={y + 1}
                    width={(run.end - run.start) * TEXT_CELL - 1}
                    height={ROW_HEIGHT - 2}
                    rx={2}
                  />
                </g>
              );
            })}
            <text className="hex-offset" x={OFFSET_WIDTH - 10} y={baseline} textAnchor="end">
              {row.byteOffset.toString(16).padStart(4, '0')}
            </text>
            {row.cells.map((cell, column) => (
              <text
                key={cell.byteOffset}
                className="hex-byte"
                x={HEX_X + column * HEX_CELL + HEX_CELL / 2}
                y={baseline}
                textAnchor="middle"
              >
                {cell.hex}
              </text>
            ))}
            {row.cells.map((cell, column) => {
              if (cell.text === '') return null;
              const span = Math.min(cell.span, bytesPerRow - column);
              const room = span * TEXT_CELL - 1;
              const squeeze = [...cell.text].length * TEXT_CHAR_WIDTH > room;
              return (
                <text
                  key={cell.byteOffset}
                  className="hex-char"
                  data-kind={cell.kind}
                  x={TEXT_X + column * TEXT_CELL + (span * TEXT_CELL) / 2}
                  y={baseline}
                  textAnchor="middle"
                  {...(squeeze ? { textLength: room, lengthAdjust: 'spacingAndGlyphs' } : {})}
                >
                  {cell.text}
                </text>
              );
            })}
          </g>
        );
      })}
    </g>
  );
});

/**
 * The bytes as a hex and text grid, cells tinted by layer with a gap between fields. Pointing at a byte
 * lights up its field; the lit range is drawn on top, so the rows underneath never re-render.
 */
export function HexGrid({
  bytesPerRow,
  rows,
  layers,
  highlight,
  hoveredByte,
  onHoverByte,
  label,
}: HexGridProps) {
  const TEXT_X = textX(bytesPerRow);
  const width = hexGridWidth(bytesPerRow);
  const shownBytes = rows.reduce((sum, row) => sum + row.cells.length, 0);
  const height = HEADER_HEIGHT + rows.length * ROW_HEIGHT + 2;
  const runs = useMemo(
    () => (highlight ? rangeRuns(highlight.range, shownBytes, bytesPerRow) : []),
    [highlight, shownBytes, bytesPerRow],
  );
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    if (box.width === 0) return;
    const x = ((event.clientX - box.left) * width) / box.width;
    const y = ((event.clientY - box.top) * width) / box.width;
    const row = Math.floor((y - HEADER_HEIGHT) / ROW_HEIGHT);
    let column = -1;
    if (x >= HEX_X && x < HEX_X + bytesPerRow * HEX_CELL) column = Math.floor((x - HEX_X) / HEX_CELL);
    else if (x >= TEXT_X && x < TEXT_X + bytesPerRow * TEXT_CELL)
      column = Math.floor((x - TEXT_X) / TEXT_CELL);
    const byteOffset = row * bytesPerRow + column;
    onHoverByte(row >= 0 && column >= 0 && byteOffset < shownBytes ? byteOffset : null);
  };
  const hovered = hoveredByte === null ? null : rows[Math.floor(hoveredByte / bytesPerRow)];
  const hoveredColumn = hoveredByte === null ? 0 : hoveredByte % bytesPerRow;
  return (
    <svg
      className="hex-grid"
      data-bytes-per-row={bytesPerRow}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={label}
      onPointerMove={onPointerMove}
      onPointerLeave={() => onHoverByte(null)}
    >
      <g className="hex-header">
        {Array.from({ length: bytesPerRow }, (_, column) => (
          <text
            // biome-ignore lint/suspicious/noArrayIndexKey: the sixteen column headings are fixed
            key={column}
            x={HEX_X + column * HEX_CELL + HEX_CELL / 2}
            y={HEADER_HEIGHT - 5}
            textAnchor="middle"
          >
            {column.toString(16).padStart(2, '0')}
          </text>
        ))}
        <text x={TEXT_X} y={HEADER_HEIGHT - 5}>
          text
        </text>
      </g>
      <GridRows rows={rows} bytesPerRow={bytesPerRow} />
      <g className="hex-highlight">
        {runs.map((run) => (
          <g key={run.row}>
            <rect
              x={HEX_X + run.startColumn * HEX_CELL}
              y={HEADER_HEIGHT + run.row * ROW_HEIGHT}
              width={(run.endColumn - run.startColumn) * HEX_CELL}
              height={ROW_HEIGHT}
              rx={3}
            />
            <rect
              x={TEXT_X + run.startColumn * TEXT_CELL}
              y={HEADER_HEIGHT + run.row * ROW_HEIGHT}
              width={(run.endColumn - run.startColumn) * TEXT_CELL}
              height={ROW_HEIGHT}
              rx={2}
            />
          </g>
        ))}
        {hovered && hoveredByte !== null && (
          <g className="hex-pointer">
            <rect
              x={HEX_X + hoveredColumn * HEX_CELL}
              y={HEADER_HEIGHT + Math.floor(hoveredByte / bytesPerRow) * ROW_HEIGHT}
              width={HEX_CELL}
              height={ROW_HEIGHT}
              rx={3}
            />
            <rect
              x={TEXT_X + hoveredColumn * TEXT_CELL}
              y={HEADER_HEIGHT + Math.floor(hoveredByte / bytesPerRow) * ROW_HEIGHT}
              width={TEXT_CELL}
              height={ROW_HEIGHT}
              rx={2}
            />
          </g>
        )}
      </g>
      {layers.length === 0 && rows.length === 0 && (
        <text x={HEX_X} y={HEADER_HEIGHT + 14} className="hex-empty">
          no bytes
        </text>
      )}
    </svg>
  );
}

/**
 * One line under the grid saying what is lit: the byte under the pointer (offset, value, text, field), or
 * the field or layer pointed at elsewhere (its name, value and where it sits).
 */
export function hoverReadout(
  cell: HexCell | undefined,
  highlight: Highlight | null,
  layers: readonly Layer[],
): string {
  if (cell) {
    const layer = layers[cell.layerIndex];
    const field = layer?.fields[cell.fieldIndex];
    const where = field
      ? `${layer?.name} › ${field.name} = ${formatFieldValue(field)}`
      : (layer?.name ?? 'no layer');
    const note = cell.note ? ` (${cell.note})` : '';
    return `Byte ${cell.byteOffset}: 0x${cell.hex} = ${cell.byte}${note} · ${where}`;
  }
  if (highlight) {
    const layer = layers[highlight.layerIndex];
    const field = highlight.field ? layer?.fields[parseFieldKey(highlight.field).fieldIndex] : undefined;
    const bits = field ? bitRangeText(field) : null;
    const what = field ? `${layer?.name} › ${field.name} = ${formatFieldValue(field)}` : (layer?.name ?? '');
    return `${what} · ${bits ?? byteRangeText(highlight.range)}`;
  }
  return 'Point at a byte to see which field it belongs to.';
}
