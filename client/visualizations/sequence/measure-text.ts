/**
 * Diagram texts measured as the browser will draw them, so the layout shortens a text only when it really
 * does not fit: a canvas measures text in a given font without touching the page's layout.
 */
import { type DiagramFont, estimatedTextWidth, fontPx, type TextRole, type TextWidth } from './layout.ts';

/**
 * Widths remembered at most: arrow labels differ by size and message number, so a long session would
 * otherwise keep one per unit ever drawn. Past this the memory starts over (a few rows measure again).
 */
const MAX_REMEMBERED = 2_000;

/**
 * Widths of diagram texts in `fontFamily` at `font`'s sizes (a lane's name bold, as the view draws it),
 * remembered per text. Falls back to the layout's estimate where there is no OffscreenCanvas (jsdom in tests).
 */
export function measuredTextWidth(font: DiagramFont, fontFamily: string): TextWidth {
  const context = typeof OffscreenCanvas === 'undefined' ? null : new OffscreenCanvas(1, 1).getContext('2d');
  if (!context) return estimatedTextWidth(font);
  const cssFont = (role: TextRole) =>
    `${role === 'lane-label' ? 700 : 400} ${fontPx(font, role)}px ${fontFamily}`;
  const known = new Map<string, number>();
  return (text, role) => {
    const key = `${role}:${text}`;
    let width = known.get(key);
    if (width === undefined) {
      context.font = cssFont(role);
      width = context.measureText(text).width;
      if (known.size >= MAX_REMEMBERED) known.clear();
      known.set(key, width);
    }
    return width;
  };
}
