/**
 * The TCP connections of each client, as a proxy between page and server would see them: every socket
 * whose latest request carried that client id (an HTTP keep-alive socket, an SSE stream, a held long
 * poll, an upgraded WebSocket). Browsers pool HTTP/1.1 connections across tabs, so a socket belongs to
 * whichever client used it last; one whose latest request is this client's carries nothing of another
 * tab right now, so cutting it never touches another client.
 *
 * Two faults work on sockets rather than on a transport's units: the idle timeout (a simulated proxy
 * that cuts a long-lived connection which carried no byte in either direction for N ms) and the kill of
 * whatever connections no transport registered (an idle keep-alive socket between two polls).
 *
 * The idle timeout watches only long-lived connections (an SSE stream, a WebSocket, a held long poll).
 * An idle keep-alive socket is left alone: cutting one races with whoever reuses it next, and in a
 * browser's shared pool that may be another tab, which a fault must never touch.
 */
import type { Socket } from 'node:net';
import type { LabKillRequest, LabSettings } from '../../protocol/lab.ts';
import type { LabStore } from './store.ts';

/** Never look for idleness more often than this, nor less often than the slowest tick. */
const IDLE_TICK_MIN_MS = 50;
const IDLE_TICK_MAX_MS = 250;
/** An idle timeout is checked this many times per period, so a cut comes at most a tenth late. */
const IDLE_TICKS_PER_TIMEOUT = 10;

export type KillMode = LabKillRequest['mode'];

interface SocketState {
  /** Requests on this socket not yet answered. */
  busy: number;
  /** A clean kill came while a request was in flight: answer it with `Connection: close`. */
  closeAfterResponse: boolean;
  /** `bytesRead + bytesWritten` when the idle watch last saw it change, and when. */
  bytes: number;
  changedAtMs: number;
}

interface ClientEntry {
  sockets: Set<Socket>;
  idleTimer: ReturnType<typeof setInterval> | null;
}

function byteCount(socket: Socket): number {
  return socket.bytesRead + socket.bytesWritten;
}

export class ClientSockets {
  readonly #store: LabStore;
  readonly #longLived: (clientId: string) => Iterable<Socket>;
  readonly #onIdleCut: (clientId: string) => void;
  readonly #byClient = new Map<string, ClientEntry>();
  readonly #owner = new WeakMap<Socket, string>();
  readonly #state = new WeakMap<Socket, SocketState>();

  /** `longLived` names the sockets of the client's registered connections (the ConnectionRegistry). */
  constructor(
    store: LabStore,
    longLived: (clientId: string) => Iterable<Socket>,
    onIdleCut: (clientId: string) => void,
  ) {
    this.#store = store;
    this.#longLived = longLived;
    this.#onIdleCut = onIdleCut;
    // One subscription for every client; lives as long as the server.
    store.onChange((clientId, settings) => this.#watch(clientId, settings));
  }

  /** A request of `clientId` arrived on `socket`; the returned function says it was answered. */
  begin(clientId: string, socket: Socket): () => void {
    this.#claim(clientId, socket);
    const state = this.#stateOf(socket);
    state.busy += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      state.busy -= 1;
    };
  }

  /** True once when a clean kill asked this socket to close after the response in flight. */
  takeCloseAfterResponse(socket: Socket): boolean {
    const state = this.#state.get(socket);
    if (!state?.closeAfterResponse) return false;
    state.closeAfterResponse = false;
    return true;
  }

  /** Ends the client's sockets that no registered connection owns (those were killed their own way). */
  kill(clientId: string, mode: KillMode, handled: ReadonlySet<Socket>): number {
    const entry = this.#byClient.get(clientId);
    if (!entry) return 0;
    let killed = 0;
    for (const socket of [...entry.sockets]) {
      if (handled.has(socket) || socket.destroyed) continue;
      killed += 1;
      if (mode === 'reset') {
        socket.resetAndDestroy();
        continue;
      }
      const state = this.#stateOf(socket);
      // A poll or send in flight gets its answer first, then the server closes (what a restarting server does).
      if (state.busy > 0) state.closeAfterResponse = true;
      else socket.end();
    }
    return killed;
  }

  /** True when the latest chat request on this socket was this client's. */
  owns(clientId: string, socket: Socket): boolean {
    return this.#owner.get(socket) === clientId;
  }

  /** Open sockets of this client (for tests and the kill count). */
  countFor(clientId: string): number {
    return this.#byClient.get(clientId)?.sockets.size ?? 0;
  }

  #stateOf(socket: Socket): SocketState {
    let state = this.#state.get(socket);
    if (!state) {
      state = {
        busy: 0,
        closeAfterResponse: false,
        bytes: byteCount(socket),
        changedAtMs: performance.now(),
      };
      this.#state.set(socket, state);
    }
    return state;
  }

  #claim(clientId: string, socket: Socket): void {
    const previous = this.#owner.get(socket);
    if (previous === clientId) return;
    if (previous !== undefined) this.#forget(previous, socket);
    else socket.once('close', () => this.#release(socket));
    if (socket.destroyed) return;
    this.#owner.set(socket, clientId);
    let entry = this.#byClient.get(clientId);
    if (!entry) {
      entry = { sockets: new Set(), idleTimer: null };
      this.#byClient.set(clientId, entry);
      this.#watch(clientId, this.#store.settings(clientId));
    }
    entry.sockets.add(socket);
  }

  #release(socket: Socket): void {
    const owner = this.#owner.get(socket);
    if (owner !== undefined) this.#forget(owner, socket);
    this.#owner.delete(socket);
  }

  #forget(clientId: string, socket: Socket): void {
    const entry = this.#byClient.get(clientId);
    if (!entry) return;
    entry.sockets.delete(socket);
    if (entry.sockets.size > 0) return;
    if (entry.idleTimer) clearInterval(entry.idleTimer);
    this.#byClient.delete(clientId);
  }

  /** Runs the client's idle watch while its idle timeout is on (set while connections were open, too). */
  #watch(clientId: string, settings: Readonly<LabSettings>): void {
    const entry = this.#byClient.get(clientId);
    if (!entry) return;
    if (entry.idleTimer) clearInterval(entry.idleTimer);
    entry.idleTimer = null;
    const timeoutMs = settings.idleTimeoutMs;
    if (timeoutMs === 0) return;
    const now = performance.now();
    // Idleness counts from when the proxy started watching, not from before it existed.
    for (const socket of entry.sockets) {
      const state = this.#stateOf(socket);
      state.bytes = byteCount(socket);
      state.changedAtMs = now;
    }
    const tickMs = Math.min(IDLE_TICK_MAX_MS, Math.max(IDLE_TICK_MIN_MS, timeoutMs / IDLE_TICKS_PER_TIMEOUT));
    entry.idleTimer = setInterval(() => this.#sweep(clientId, timeoutMs), tickMs);
    entry.idleTimer.unref();
  }

  #sweep(clientId: string, timeoutMs: number): void {
    const entry = this.#byClient.get(clientId);
    if (!entry) return;
    const now = performance.now();
    for (const socket of [...this.#longLived(clientId)]) {
      const state = this.#stateOf(socket);
      const bytes = byteCount(socket);
      if (bytes !== state.bytes) {
        state.bytes = bytes;
        state.changedAtMs = now;
        continue;
      }
      if (now - state.changedAtMs < timeoutMs || socket.destroyed) continue;
      // A proxy that times a connection out closes it: FIN, no close frame, no last chunk.
      socket.destroy();
      this.#onIdleCut(clientId);
    }
  }
}
