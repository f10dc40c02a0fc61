import { describe, expect, it } from 'vitest';
import { PRESENTER_CHART_ZOOM, presenterChartWidth } from './use-width.ts';

describe('presenterChartWidth', () => {
  it('lays a chart out narrower by the presenter zoom, so its box draws it that much larger', () => {
    expect(presenterChartWidth(600, 560, 300)).toBe(Math.round(600 / PRESENTER_CHART_ZOOM));
    expect(600 / presenterChartWidth(600, 560, 300)).toBeCloseTo(PRESENTER_CHART_ZOOM, 2);
  });

  it("never goes under the chart's narrowest width nor over its normal one", () => {
    expect(presenterChartWidth(300, 560, 382)).toBe(382);
    expect(presenterChartWidth(1400, 560, 382)).toBe(560);
  });
});
