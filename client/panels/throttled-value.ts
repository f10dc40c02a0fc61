import { useEffect, useReducer, useRef } from 'react';

interface Shown<T> {
  value: T;
  atMs: number;
}

/**
 * What to show now: the new value when it may be shown (on request, or once `intervalMs` passed since the
 * last change shown), else the one already shown. Pure, so the rule is tested without React.
 */
export function nextShown<T>(
  shown: Shown<T>,
  value: T,
  nowMs: number,
  intervalMs: number,
  immediate: boolean,
): Shown<T> {
  if (Object.is(shown.value, value)) return shown;
  if (immediate || nowMs - shown.atMs >= intervalMs) return { value, atMs: nowMs };
  return shown;
}

/**
 * `value`, changed at most once per `intervalMs` (the first change after a quiet spell shows at once, the
 * last one of a burst shows when its interval ends), or at once when `immediate`. Decided while rendering,
 * so a throttled change costs no extra commit; a timer re-renders only when nothing else does first.
 */
export function useThrottledValue<T>(value: T, intervalMs: number, immediate: boolean): T {
  const shown = useRef<Shown<T>>({ value, atMs: Number.NEGATIVE_INFINITY });
  const [, wake] = useReducer((count: number) => count + 1, 0);
  const nowMs = performance.now();
  shown.current = nextShown(shown.current, value, nowMs, intervalMs, immediate);
  const isPending = !Object.is(shown.current.value, value);
  const dueInMs = Math.max(0, shown.current.atMs + intervalMs - nowMs);
  useEffect(() => {
    if (!isPending) return;
    const timer = setTimeout(wake, dueInMs);
    return () => clearTimeout(timer);
  });
  return shown.current.value;
}
