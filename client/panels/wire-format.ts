/** Plain-language text for wire events and the clock estimate: pure, so the table and tests agree. */
import type { WireDirection, WireEvent } from '../../protocol/inspect.ts';
import type { ClockEstimate } from '../transports/clock-sync.ts';

export const DIRECTION_TEXT: Readonly<Record<WireDirection, string>> = {
  in: 'browser → server',
  out: 'server → browser',
};

/** Milliseconds with a sign and enough digits to be honest: sub-ms values get two decimals, the rest one. */
export function formatSignedMs(valueMs: number): string {
  const sign = valueMs < 0 ? '−' : '+';
  return `${sign}${formatMs(Math.abs(valueMs))}`;
}

export function formatMs(valueMs: number): string {
  return Math.abs(valueMs) < 1 ? valueMs.toFixed(2) : valueMs.toFixed(1);
}

/** Times in the table: one decimal always, so the column lines up. */
export function formatRelativeMs(valueMs: number): string {
  return valueMs.toFixed(1);
}

export function clockLine(clock: ClockEstimate | null): string {
  if (clock === null) return 'Measuring the clock offset to the server…';
  return `Server clock is ${formatSignedMs(clock.offsetMs)} ms ± ${formatMs(clock.uncertaintyMs)} ms from this page.`;
}

/** `/api/rooms/lobby/long-poll` reads as `…/long-poll`: the room is the same on every row. */
export function shortPath(path: string): string {
  return path.replace(/^\/api\/rooms\/[^/]+\//, '…/');
}

/** What a row is about beyond its unit: the frame type for WebSocket frames, the path for HTTP. */
export function eventDetail(event: WireEvent): string {
  const parts: string[] = [];
  if (event.ws) parts.push(`${event.ws.opcodeName}${event.ws.masked ? ', masked' : ''}`);
  else if (event.path !== undefined) parts.push(shortPath(event.path));
  if (event.error) parts.push(`decode error: ${event.error.message}`);
  return parts.join(' · ');
}
