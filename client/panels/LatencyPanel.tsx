import { useMemo, useState } from 'react';
import { useWirelab } from '../store/index.ts';
import { LatencyTimeline } from '../visualizations/latency/LatencyTimeline.tsx';
import { CHART_WIDTH, MIN_CHART_WIDTH, type TimeScaleKind } from '../visualizations/latency/layout.ts';
import { buildLatencyReport } from '../visualizations/latency/report.ts';
import { usePresenterTheme } from './presenter-theme.ts';
import { presenterChartWidth, useWidth } from './use-width.ts';
import { useWireSnapshot } from './wire-snapshot.ts';

const NO_ARRIVALS: ReadonlyMap<string, number> = new Map();

export function ScaleChoice({
  name,
  value,
  onChange,
}: {
  name: string;
  value: TimeScaleKind;
  onChange: (value: TimeScaleKind) => void;
}) {
  return (
    <fieldset className="latency-scale">
      <legend>Time axis (log shows 0.1 ms and 2 s side by side; linear keeps true proportions)</legend>
      {(['log', 'linear'] as const).map((kind) => (
        <label key={kind}>
          <input
            type="radio"
            name={name}
            value={kind}
            checked={value === kind}
            onChange={() => onChange(kind)}
          />{' '}
          {kind === 'log' ? 'log' : 'linear'}
        </label>
      ))}
    </fieldset>
  );
}

/** The latency tab: the visible wire events and messages, stage by stage, with statistics and overhead. */
export function LatencyPanel() {
  const { events, messages, receivedAtMs: liveArrivals } = useWireSnapshot();
  const isTrace = useWirelab((state) => state.importedTrace !== null);
  const liveClock = useWirelab((state) => state.clock);
  const highlightedSeq = useWirelab((state) => state.highlightedMessageSeq);
  const highlightMessage = useWirelab((state) => state.highlightMessage);
  const [scale, setScale] = useState<TimeScaleKind>('log');
  const [box, setBox] = useState<HTMLDivElement | null>(null);
  const boxPx = useWidth(box, CHART_WIDTH);
  // The presenter theme lays the chart out narrower, so the same box draws its text as large as the diagram's.
  const presenter = usePresenterTheme();
  const chartWidth = presenter ? presenterChartWidth(boxPx, CHART_WIDTH, MIN_CHART_WIDTH) : CHART_WIDTH;
  // A trace keeps no page arrival times and no clock uncertainty: it shows the server's stages only.
  const receivedAtMs = isTrace ? NO_ARRIVALS : liveArrivals;
  const clock = isTrace ? null : liveClock;
  const report = useMemo(
    () => buildLatencyReport({ events, messages, receivedAtMs, clock }),
    [events, messages, receivedAtMs, clock],
  );
  return (
    <div className="latency-panel" ref={setBox}>
      <ScaleChoice name="latency-scale" value={scale} onChange={setScale} />
      {isTrace && (
        <p className="hint">A loaded trace has no page arrival times: only the server’s stages are shown.</p>
      )}
      {!isTrace && clock === null && (
        <p className="hint">Measuring the clock offset: page-side stages appear once it is known.</p>
      )}
      <LatencyTimeline
        report={report}
        scale={scale}
        highlightedSeq={highlightedSeq}
        onHighlight={highlightMessage}
        chartWidth={chartWidth}
      />
    </div>
  );
}
