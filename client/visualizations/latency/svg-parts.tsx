/** Small SVG pieces the latency charts share: stage marks, fill patterns, keys, rounding for stable markup. */
import type { ReactNode } from 'react';
import type { Stage } from './latency.ts';
import type { AxisTick } from './layout.ts';

/** Two decimals are sub-pixel already; fewer digits keep the markup (and its golden file) readable. */
export function px(value: number): number {
  return Math.round(value * 100) / 100;
}

const MARK_RADIUS = 4.5;

/** Each stage has its own shape, so the stages read without colour. */
export function StageShape({ stage, x, y }: { stage: Stage; x: number; y: number }) {
  const r = MARK_RADIUS;
  switch (stage) {
    case 'sent':
      return <circle className="stage-mark" data-stage={stage} cx={px(x)} cy={px(y)} r={r} />;
    case 'server':
      return (
        <rect className="stage-mark" data-stage={stage} x={px(x - 4)} y={px(y - 4)} width={8} height={8} />
      );
    case 'written':
      return (
        <path
          className="stage-mark"
          data-stage={stage}
          d={`M${px(x)} ${px(y - r - 1)}L${px(x + r + 1)} ${px(y)}L${px(x)} ${px(y + r + 1)}L${px(x - r - 1)} ${px(y)}Z`}
        />
      );
    case 'page':
      return <circle className="stage-mark" data-stage={stage} cx={px(x)} cy={px(y)} r={r} />;
  }
}

/** Fill patterns: framing is hatched, units without a message are dotted, so no part relies on colour. */
export function FillPatterns({ prefix }: { prefix: string }) {
  return (
    <defs>
      <pattern
        id={`${prefix}-hatch`}
        width={6}
        height={6}
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect className="pattern-bg" width={6} height={6} />
        <line className="pattern-ink" x1={0} y1={0} x2={0} y2={6} strokeWidth={2.5} />
      </pattern>
      <pattern id={`${prefix}-dots`} width={5} height={5} patternUnits="userSpaceOnUse">
        <rect className="pattern-bg" width={5} height={5} />
        <circle className="pattern-dot" cx={2.5} cy={2.5} r={1.2} />
      </pattern>
      <pattern id={`${prefix}-rows`} width={5} height={5} patternUnits="userSpaceOnUse">
        <rect className="pattern-bg" width={5} height={5} />
        <line className="pattern-ink" x1={0} y1={2.5} x2={5} y2={2.5} strokeWidth={1.6} />
      </pattern>
    </defs>
  );
}

/** A time axis's gridlines from `top` down to `bottom`, each labelled above at y 12. */
export function GridTicks({
  ticks,
  top,
  bottom,
}: {
  ticks: readonly AxisTick[];
  top: number;
  bottom: number;
}) {
  return ticks.map((tick) => (
    <g key={tick.x}>
      <line className="grid" x1={px(tick.x)} x2={px(tick.x)} y1={top} y2={bottom} />
      <text x={px(tick.x)} y={12} textAnchor="middle">
        {tick.label}
      </text>
    </g>
  ));
}

export interface LegendItem {
  key: string;
  /** Drawn in a 14 x 12 box. */
  swatch: ReactNode;
  text: string;
}

/**
 * A chart's key, as HTML under it: it wraps at any width and type size (a key drawn at fixed places inside
 * the SVG ran off the chart once the presenter theme laid it out narrower). Hidden from screen readers: the
 * chart's own label says what each part is.
 */
export function ChartLegend({ className, items }: { className: string; items: readonly LegendItem[] }) {
  return (
    <ul className={`chart-legend ${className}`} aria-hidden="true">
      {items.map((item) => (
        <li key={item.key}>
          <svg width={14} height={12} viewBox="0 0 14 12" aria-hidden="true">
            {item.swatch}
          </svg>
          {item.text}
        </li>
      ))}
    </ul>
  );
}
