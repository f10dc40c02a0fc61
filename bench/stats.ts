/** Medians, percentiles and the spread of repeated measurements. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  if (p === 50 && sorted.length % 2 === 0) {
    const upper = sorted.length / 2;
    return ((sorted[upper - 1] ?? 0) + (sorted[upper] ?? 0)) / 2;
  }
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/**
 * The A/A spread: how far repeated runs of the same server disagree, max/min - 1. A ratio closer to its
 * target than this is within the noise. NaN with fewer than two values.
 */
export function spread(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  return Math.max(...values) / Math.min(...values) - 1;
}

/** Generator CPU over a window, as a fraction of one core: near 1 means the generator may be the limit. */
export function startCpuWindow(): () => number {
  const cpu = process.cpuUsage();
  const startMs = performance.now();
  return () => {
    const used = process.cpuUsage(cpu);
    const elapsedMs = performance.now() - startMs;
    return elapsedMs > 0 ? (used.user + used.system) / 1_000 / elapsedMs : 0;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
