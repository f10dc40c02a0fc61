import type { BitDiagram as BitDiagramModel } from './bit-diagram.ts';
import { type FieldKey, fieldKey } from './field-format.ts';

const LABEL_WIDTH = 92;
const BIT = 40;
const BIT_HEIGHT = 24;
const CAPTION = 17;
const ROW_GAP = 7;
const ROW_HEIGHT = BIT_HEIGHT + CAPTION + ROW_GAP;
const TOP = 16;
const WIDTH = LABEL_WIDTH + 8 * BIT + 4;

interface BitDiagramProps {
  diagram: BitDiagramModel;
  activeField: FieldKey | null;
  onPointField(key: FieldKey | null): void;
}

const LENGTH_FORM_TEXT: Readonly<Record<7 | 16 | 64, string>> = {
  7: 'The length fits in the 7 bits of payload len (0–125).',
  16: 'payload len is 126, so the real length is the next 16 bits.',
  64: 'payload len is 127, so the real length is the next 64 bits.',
};

/**
 * The frame header one byte a row, bit 0 (the most significant) on the left as in RFC 6455 5.2. Each run
 * of bits carries its label and value in words under it, so the tint is never the only clue.
 */
export function BitDiagram({ diagram, activeField, onPointField }: BitDiagramProps) {
  const height = TOP + diagram.rows.length * ROW_HEIGHT;
  return (
    <figure className="bit-diagram">
      <figcaption>
        Header bits, one byte a row (bit 0 is the most significant). {LENGTH_FORM_TEXT[diagram.lengthForm]}
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width={WIDTH}
        height={height}
        role="img"
        aria-label={diagram.rows
          .map((row) =>
            row.segments
              .map((segment) => `${segment.label} ${segment.bits} (${segment.valueText})`)
              .join(', '),
          )
          .join('; ')}
        onPointerLeave={() => onPointField(null)}
      >
        <g className="bit-header">
          {Array.from({ length: 8 }, (_, bit) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the eight bit numbers are fixed
            <text key={bit} x={LABEL_WIDTH + bit * BIT + BIT / 2} y={TOP - 5} textAnchor="middle">
              {bit}
            </text>
          ))}
        </g>
        {diagram.rows.map((row, rowIndex) => {
          const y = TOP + rowIndex * ROW_HEIGHT;
          return (
            <g key={row.byteOffset} data-byte={row.byteOffset}>
              <text className="bit-row-label" x={0} y={y + BIT_HEIGHT / 2 + 4}>
                byte {row.byteOffset} · {row.hex}
              </text>
              {row.segments.map((segment) => {
                const key = fieldKey(diagram.layerIndex, segment.fieldIndex);
                const x = LABEL_WIDTH + segment.startBit * BIT;
                const width = segment.bitLength * BIT;
                return (
                  <g
                    key={segment.startBit}
                    className="bit-segment"
                    data-field={segment.label}
                    data-tint={segment.fieldIndex % 8}
                    data-active={key === activeField ? 'true' : undefined}
                    onPointerEnter={() => onPointField(key)}
                  >
                    <rect x={x + 1} y={y} width={width - 2} height={BIT_HEIGHT} rx={3} />
                    {[...segment.bits].map((bit, index) => (
                      <text
                        // biome-ignore lint/suspicious/noArrayIndexKey: a bit's place is its identity
                        key={index}
                        className="bit-value"
                        x={x + index * BIT + BIT / 2}
                        y={y + BIT_HEIGHT / 2 + 5}
                        textAnchor="middle"
                      >
                        {bit}
                      </text>
                    ))}
                    {[...segment.bits].slice(1).map((_, index) => (
                      <line
                        // biome-ignore lint/suspicious/noArrayIndexKey: a divider's place is its identity
                        key={index}
                        className="bit-divider"
                        x1={x + (index + 1) * BIT}
                        x2={x + (index + 1) * BIT}
                        y1={y + 5}
                        y2={y + BIT_HEIGHT - 5}
                      />
                    ))}
                    <text
                      className="bit-caption"
                      x={x + width / 2}
                      y={y + BIT_HEIGHT + 13}
                      textAnchor="middle"
                    >
                      {segment.bitLength === 1 ? segment.label : `${segment.label}: ${segment.valueText}`}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
