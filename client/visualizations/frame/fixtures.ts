/**
 * Wire events captured from a real server run (a script opened /api/inspect, then chatted over WebSocket
 * and SSE as one client id), kept as fixed traces for the inspector's tests and golden files.
 */
import { WireEvent } from '../../../protocol/inspect.ts';
import raw from './fixtures.json';

export type FixtureName = keyof typeof raw;

const parsed = new Map<string, WireEvent>(
  Object.entries(raw).map(([name, event]) => [name, WireEvent.parse(event)]),
);

export function fixture(name: FixtureName): WireEvent {
  const event = parsed.get(name);
  if (!event) throw new Error(`no fixture named ${name}`);
  return event;
}

export const FIXTURE_NAMES = Object.keys(raw) as FixtureName[];
