/** Turns per-round measurements into goal rows (median ratio, A/A noise) and prints them as a table. */
import { median, spread } from './stats.ts';

export type Direction = 'at least' | 'at most';

export interface GoalRow {
  name: string;
  /** Median over rounds of ours / reference, each round's pair measured in the same run. */
  ratio: number;
  /** null: measured and reported, no target. */
  target: number | null;
  direction: Direction | null;
  met: boolean | null;
  /** Medians over rounds, in `unit`. */
  reference: number;
  ours: number;
  unit: string;
  rounds: number;
  referenceLabel: string;
  oursLabel: string;
  perRoundRatios: number[];
  /** A/A spread of the reference over rounds (max/min - 1); B/B for ours. NaN (null in JSON) with one round. */
  noiseFloor: number;
  oursSpread: number;
  /** Highest generator CPU (fraction of a core) in any trial of this row: near 1 means it may be the limit. */
  generatorCpuMax: number;
}

export interface RowInput {
  name: string;
  unit: string;
  target: number | null;
  direction: Direction | null;
  referenceLabel: string;
  oursLabel: string;
  reference: number[];
  ours: number[];
  generatorCpu: number[];
}

export function goalRow(input: RowInput): GoalRow {
  const perRoundRatios = input.ours.map((value, round) => value / (input.reference[round] ?? Number.NaN));
  const ratio = median(perRoundRatios);
  const met =
    input.target === null || input.direction === null
      ? null
      : input.direction === 'at least'
        ? ratio >= input.target
        : ratio <= input.target;
  return {
    name: input.name,
    ratio,
    target: input.target,
    direction: input.direction,
    met,
    reference: median(input.reference),
    ours: median(input.ours),
    unit: input.unit,
    rounds: perRoundRatios.length,
    referenceLabel: input.referenceLabel,
    oursLabel: input.oursLabel,
    perRoundRatios,
    noiseFloor: spread(input.reference),
    oursSpread: spread(input.ours),
    generatorCpuMax: Math.max(...input.generatorCpu),
  };
}

function figure(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function percent(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : 'n/a';
}

function targetText(row: GoalRow): string {
  if (row.target === null || row.direction === null) return 'reported';
  return `${row.direction === 'at least' ? '≥' : '≤'} ${row.target}x`;
}

function metText(row: GoalRow): string {
  if (row.met === null) return '-';
  return row.met ? 'yes' : '**NO**';
}

/** A Markdown table: it reads in a terminal and pastes into BENCHMARKS.md as is. */
export function formatTable(rows: readonly GoalRow[]): string {
  const header = [
    'goal',
    'reference',
    'ours',
    'unit',
    'ratio',
    'target',
    'met',
    'A/A noise',
    'ratio per round',
    'gen CPU',
  ];
  const lines = rows.map((row) => [
    row.name,
    `${figure(row.reference)} (${row.referenceLabel})`,
    `${figure(row.ours)} (${row.oursLabel})`,
    row.unit,
    `${row.ratio.toFixed(2)}x`,
    targetText(row),
    metText(row),
    percent(row.noiseFloor),
    row.perRoundRatios.map((ratio) => ratio.toFixed(2)).join(' '),
    percent(row.generatorCpuMax),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const render = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...lines.map(render)].join('\n');
}

/** JSON for `--json FILE`: NaN is not JSON, so unknown figures become null. */
export function toJson(rows: readonly GoalRow[], machine: Record<string, string>): string {
  return JSON.stringify(
    { machine, goals: rows },
    (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  );
}
