/** p50/p95/p99 of delivery latency per transport, as a real table (readable by screen readers as is). */
import { TRANSPORT_NAMES } from './labels.ts';
import type { Percentiles } from './latency.ts';
import { formatDurationMs } from './layout.ts';

/** Below this many samples a p99 is just the slowest one, and the table says so. */
const FEW_SAMPLES = 20;

export function PercentileTable({
  percentiles,
  uncertaintyMs,
}: {
  percentiles: readonly Percentiles[];
  uncertaintyMs: number | null;
}) {
  if (percentiles.length === 0)
    return (
      <p className="hint">No deliveries measured yet (the page needs the clock offset and captured units).</p>
    );
  const few = percentiles.some((row) => row.count < FEW_SAMPLES);
  return (
    <table className="percentile-table">
      <caption>
        Per transport
        {uncertaintyMs === null ? '' : `, each ± ${formatDurationMs(uncertaintyMs)} (clock offset)`}
        {few ? `; with fewer than ${FEW_SAMPLES} messages p95 and p99 are close to the slowest one` : ''}.
      </caption>
      <thead>
        <tr>
          <th scope="col">Transport</th>
          <th scope="col">Messages</th>
          <th scope="col">p50</th>
          <th scope="col">p95</th>
          <th scope="col">p99</th>
        </tr>
      </thead>
      <tbody>
        {percentiles.map((row) => (
          <tr key={row.transport} data-transport={row.transport}>
            <th scope="row">{TRANSPORT_NAMES[row.transport]}</th>
            <td className="num">{row.count}</td>
            <td className="num">{formatDurationMs(row.p50)}</td>
            <td className="num">{formatDurationMs(row.p95)}</td>
            <td className="num">{formatDurationMs(row.p99)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
