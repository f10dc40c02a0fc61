/**
 * Widths for the wire views' drawings: an element's width as it resizes, and the width a chart is laid
 * out at in the presenter theme, where its text must be as large as the sequence diagram's.
 */
import { useEffect, useState } from 'react';

/** The content width of `element` in px, following resizes; `initialPx` until it is first measured. */
export function useWidth(element: HTMLElement | null, initialPx: number, minPx = 0): number {
  const [width, setWidth] = useState(initialPx);
  useEffect(() => {
    if (!element) return;
    const observer = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box) setWidth(Math.max(minPx, Math.floor(box.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [element, minPx]);
  return width;
}

/**
 * The latency and race charts are SVGs drawn as wide as their box, with their text at 11 px of their own
 * units. In the presenter theme they should show it at 15 px, as the sequence diagram does there.
 */
export const PRESENTER_CHART_ZOOM = 15 / 11;

/**
 * The width (in its own units) to lay a chart out at so that, drawn `boxPx` wide, it shows
 * PRESENTER_CHART_ZOOM times larger: never narrower than `minWidth` (its label and value columns and a
 * usable plot), and never wider than `normalWidth` (a wide window already draws it larger than that).
 */
export function presenterChartWidth(boxPx: number, normalWidth: number, minWidth: number): number {
  return Math.round(Math.min(normalWidth, Math.max(minWidth, boxPx / PRESENTER_CHART_ZOOM)));
}
