/** Everything the latency view draws, computed at once from the store's data. Pure. */
import { type Activity, buildActivity } from './activity.ts';
import {
  type ClockOffset,
  deliveryHistogram,
  type HistogramBin,
  type LatencyInput,
  MAX_LATENCY_ROWS,
  type MessageLatency,
  messageLatencies,
  type Percentiles,
  percentilesByTransport,
} from './latency.ts';
import { type OverheadReport, overheadReport } from './overhead.ts';

export interface LatencyReport {
  /** The newest messages, oldest first, at most MAX_LATENCY_ROWS. */
  rows: MessageLatency[];
  /** Messages the statistics cover. */
  sampleCount: number;
  percentiles: Percentiles[];
  histogram: HistogramBin[];
  overhead: OverheadReport;
  activity: Activity | null;
  clock: ClockOffset | null;
}

export function buildLatencyReport(input: LatencyInput, maxRows = MAX_LATENCY_ROWS): LatencyReport {
  const all = messageLatencies(input);
  return {
    rows: all.slice(-maxRows),
    sampleCount: all.filter((row) => row.deliveryMs !== null && row.transport !== null).length,
    percentiles: percentilesByTransport(all),
    histogram: deliveryHistogram(all),
    overhead: overheadReport(input.events, input.messages),
    activity: buildActivity(input.events),
    clock: input.clock,
  };
}
