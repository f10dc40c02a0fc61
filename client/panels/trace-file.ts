/**
 * Trace files: what the page saves for an offline replay, and the small DOM edge that hands a file to
 * the browser's downloads. Building the trace is pure; parsing one back is protocol/trace.ts's parseTrace.
 */
import { TRACE_FORMAT, TRACE_VERSION, type Trace } from '../../protocol/trace.ts';
import { activeTransportKind, type WirelabState } from '../store/index.ts';

export type TraceSource = Pick<
  WirelabState,
  'importedTrace' | 'wireEvents' | 'messages' | 'clientId' | 'room' | 'transportKind' | 'attempts' | 'clock'
>;

/** The session as a trace: the live capture and chat, or the loaded trace again as it was. */
export function buildTrace(state: TraceSource, exportedAtMs: number): Trace {
  if (state.importedTrace) return { ...state.importedTrace, exportedAtMs };
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    exportedAtMs,
    client: state.clientId,
    room: state.room,
    // A trace names the transport that carried the chat; Auto before it settled is named by its first try.
    transport: activeTransportKind(state) ?? 'websocket',
    clockOffsetMs: state.clock?.offsetMs ?? null,
    events: [...state.wireEvents],
    messages: [...state.messages],
  };
}

/** `wirelab-lobby-websocket-2025-01-31T10-20-30.json`: sortable, and safe on every file system. */
export function traceFileName(
  trace: Pick<Trace, 'room' | 'transport' | 'exportedAtMs'>,
  extension = 'json',
): string {
  const stamp = new Date(trace.exportedAtMs).toISOString().slice(0, 19).replaceAll(':', '-');
  return `wirelab-${trace.room}-${trace.transport}-${stamp}.${extension}`;
}

/** Offers text as a download; the object URL is released once the click has been handled. */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
