/**
 * The slice of server time the diagram shows, and how following, zooming and panning move it. Pure: the
 * panel keeps the state, d3-zoom only reports gestures.
 */

export interface TimeWindow {
  startMs: number;
  endMs: number;
}

/** How much time follow-live shows at most: long enough for a few polls, short enough to read. */
export const FOLLOW_SPAN_MS = 30_000;
/** Never narrower than this: a burst of units a few µs apart is still spread over a readable axis. */
export const MIN_SPAN_MS = 2;
/** Never wider than this: the ring holds at most a long session anyway. */
export const MAX_SPAN_MS = 60 * 60_000;
/** Space before the oldest and after the newest unit, as a share of the span, so none sits on an edge. */
export const FOLLOW_PAD_SHARE = 0.04;
/** Until events span this much, follow-live zooms in on what there is instead of a mostly empty axis. */
export const MIN_FOLLOW_SPAN_MS = 1_000;

/**
 * The window that follows the newest event: the last `spanMs` of the events, or all of them when they
 * span less, with a little room after the newest.
 */
export function followWindow(
  events: readonly { atMs: number }[],
  spanMs: number = FOLLOW_SPAN_MS,
): TimeWindow | null {
  if (events.length === 0) return null;
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    if (event.atMs < firstMs) firstMs = event.atMs;
    if (event.atMs > lastMs) lastMs = event.atMs;
  }
  const span = clampSpan(Math.min(spanMs, Math.max(MIN_FOLLOW_SPAN_MS, lastMs - firstMs)));
  const padMs = span * FOLLOW_PAD_SHARE;
  return { startMs: lastMs - span - padMs, endMs: lastMs + padMs };
}

function clampSpan(spanMs: number): number {
  return Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, spanMs));
}

/** Zooms by `factor` (above 1 shows less time) around `anchorMs`, which stays where it is on screen. */
export function zoomWindow(window: TimeWindow, factor: number, anchorMs: number): TimeWindow {
  const span = window.endMs - window.startMs;
  const nextSpan = clampSpan(span / factor);
  const share = span > 0 ? (anchorMs - window.startMs) / span : 0.5;
  const startMs = anchorMs - share * nextSpan;
  return { startMs, endMs: startMs + nextSpan };
}

/** Moves the window by `deltaMs` (positive shows later time). */
export function panWindow(window: TimeWindow, deltaMs: number): TimeWindow {
  return { startMs: window.startMs + deltaMs, endMs: window.endMs + deltaMs };
}

/** A window from a rescaled d3 domain, with its span kept inside the limits. */
export function windowFromDomain(domain: readonly [number, number]): TimeWindow {
  const [a, b] = domain;
  const startMs = Math.min(a, b);
  const span = clampSpan(Math.abs(b - a));
  const middle = (a + b) / 2;
  return Math.abs(b - a) === span
    ? { startMs, endMs: startMs + span }
    : {
        startMs: middle - span / 2,
        endMs: middle + span / 2,
      };
}
