/** Words for transports and byte counts in the latency views (visualizations import no store or transport). */
import type { WireTransport } from '../../../protocol/inspect.ts';

export const TRANSPORT_NAMES: Readonly<Record<WireTransport, string>> = {
  polling: 'Polling',
  'long-polling': 'Long polling',
  sse: 'SSE',
  websocket: 'WebSocket',
  send: 'Send (POST)',
  other: 'Other',
};

export function formatBytes(bytes: number): string {
  if (bytes >= 10 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
