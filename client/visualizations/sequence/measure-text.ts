/**
 * Lane texts measured as the browser will draw them, so the layout cuts a name only when it really does not
 * fit: a canvas measures text in a given font without touching the page's layout.
 */
import { estimatedLaneTextWidth, type LaneFont, type LaneTextWidth } from './layout.ts';

/**
 * Widths of lane texts in `fontFamily` at `font`'s sizes (the label bold, as the view draws it), remembered
 * per text. Falls back to the layout's estimate where there is no OffscreenCanvas (jsdom in tests).
 */
export function measuredLaneTextWidth(font: LaneFont, fontFamily: string): LaneTextWidth {
  const context = typeof OffscreenCanvas === 'undefined' ? null : new OffscreenCanvas(1, 1).getContext('2d');
  if (!context) return estimatedLaneTextWidth(font);
  const fonts = {
    label: `700 ${font.labelPx}px ${fontFamily}`,
    sublabel: `400 ${font.sublabelPx}px ${fontFamily}`,
  };
  const known = new Map<string, number>();
  return (text, role) => {
    const key = `${role}:${text}`;
    let width = known.get(key);
    if (width === undefined) {
      context.font = fonts[role];
      width = context.measureText(text).width;
      known.set(key, width);
    }
    return width;
  };
}
