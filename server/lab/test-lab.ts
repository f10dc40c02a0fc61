/**
 * Test helper (not a test): the page's real client transports (client/transports) run in Node against a
 * real server, with the lab driven over its HTTP API exactly as the page's lab panel drives it.
 */
import { EventSource as NodeEventSource } from 'eventsource';
import { WebSocket as NodeWebSocket } from 'ws';
import { TRANSPORTS } from '../../client/transports/index.ts';
import type { ReconnectPolicyOptions } from '../../client/transports/reconnect.ts';
import type { ResumeInfo, StatusChange, Transport, TransportOptions } from '../../client/transports/types.ts';
import {
  DEFAULT_LAB_SETTINGS,
  type LabKillRequest,
  type LabSettingsPatch,
  LabState,
} from '../../protocol/lab.ts';
import type { ChatMessage, TransportKind } from '../../protocol/messages.ts';
import type { LabFault, LabFaultKind } from './lab.ts';

// Node has no EventSource and no browser WebSocket; these same-API packages stand in, as in the page's
// own transport contract test.
Object.assign(globalThis, { EventSource: NodeEventSource, WebSocket: NodeWebSocket });

export interface Probe {
  transport: Transport;
  messages: ChatMessage[];
  resumes: ResumeInfo[];
  statuses: { atMs: number; change: StatusChange }[];
}

export interface ProbeOptions extends TransportOptions {
  /** Naive polling's pause between answers. */
  intervalMs?: number;
  /** Long polling's hold. */
  holdMs?: number;
  /** SSE and WebSocket reconnect backoff. */
  reconnect?: ReconnectPolicyOptions;
}

/** Opens a client transport and records everything it reports. Close with `probe.transport.close()`. */
export function openProbe(kind: TransportKind, options: ProbeOptions): Probe {
  const transport = TRANSPORTS[kind](options);
  const probe: Probe = { transport, messages: [], resumes: [], statuses: [] };
  transport.onMessage((message) => probe.messages.push(message));
  transport.onResume((resume) => probe.resumes.push(resume));
  transport.onStatus((change) => probe.statuses.push({ atMs: performance.now(), change }));
  transport.open();
  return probe;
}

export async function until(condition: () => boolean, what: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function chatTexts(probe: Probe): string[] {
  return probe.messages.filter((message) => message.kind === 'chat').map((message) => message.text);
}

async function labRequest(url: string, init: RequestInit): Promise<unknown> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

export async function setLab(baseUrl: string, clientId: string, patch: LabSettingsPatch): Promise<LabState> {
  const body = await labRequest(`${baseUrl}/api/lab?client=${clientId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
  return LabState.parse(body);
}

export async function resetLab(baseUrl: string, clientId: string): Promise<void> {
  const state = LabState.parse(
    await labRequest(`${baseUrl}/api/lab?client=${clientId}`, { method: 'DELETE' }),
  );
  if (JSON.stringify(state.settings) !== JSON.stringify(DEFAULT_LAB_SETTINGS))
    throw new Error(`DELETE /api/lab left ${JSON.stringify(state.settings)}`);
}

export async function kill(baseUrl: string, clientId: string, request: LabKillRequest): Promise<number> {
  const body = await labRequest(`${baseUrl}/api/lab/kill?client=${clientId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const killed = (body as { killed?: unknown }).killed;
  if (typeof killed !== 'number') throw new Error(`kill answered ${JSON.stringify(body)}`);
  return killed;
}

/** Faults the lab caused, by client and kind, with when they happened. */
export class FaultLog {
  readonly faults: (LabFault & { atMs: number })[] = [];

  record = (fault: LabFault): void => {
    this.faults.push({ ...fault, atMs: performance.now() });
  };

  count(clientId: string, kind: LabFaultKind): number {
    return this.faults.filter((fault) => fault.clientId === clientId && fault.kind === kind).length;
  }

  forClient(clientId: string): string {
    return JSON.stringify(
      this.faults.filter((fault) => fault.clientId === clientId).map((fault) => fault.kind),
    );
  }
}
