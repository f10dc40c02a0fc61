/**
 * Every long-lived connection (SSE stream, WebSocket, held long poll) registers here: that is how the
 * per-client connection limit is counted and how shutdown finds what to close.
 */
import type { Socket } from 'node:net';
import type { LabKillRequest } from '../../protocol/lab.ts';
import type { TransportKind } from '../../protocol/messages.ts';

export type CloseReason = 'shutdown';
export type KillMode = LabKillRequest['mode'];

export interface LiveConnection {
  clientId: string;
  transport: TransportKind | 'inspect';
  /** Ends the connection politely for the reason; called at most once. */
  close(reason: CloseReason): void;
  /**
   * The network lab's kill: `clean` ends the connection the transport's polite way (a WebSocket close
   * frame with `closeCode`, an SSE response ended, a held long poll answered then closed); `reset`
   * destroys the TCP socket at once (RST). Absent on what the lab must never touch (the inspector).
   */
  kill?(mode: KillMode, closeCode: number): void;
  /** The TCP socket it lives on, so the lab ends each socket once. */
  socket?: Socket;
}

export interface Registration {
  /** Idempotent; the connection is forgotten. */
  release(): void;
}

export class ConnectionRegistry {
  /** Arrays, not Sets: a client has a handful at most, and a Set per client cost every idle connection memory. */
  readonly #byClient = new Map<string, LiveConnection[]>();
  readonly #maxPerClient: number;
  #closing = false;
  #onEmpty: (() => void) | null = null;

  constructor(maxPerClient: number) {
    this.#maxPerClient = maxPerClient;
  }

  get size(): number {
    let total = 0;
    for (const list of this.#byClient.values()) total += list.length;
    return total;
  }

  get isClosing(): boolean {
    return this.#closing;
  }

  countFor(clientId: string): number {
    return this.#byClient.get(clientId)?.length ?? 0;
  }

  /** The sockets the client's connections live on (the lab's idle timeout watches them). */
  *socketsOf(clientId: string): Generator<Socket> {
    for (const connection of this.#byClient.get(clientId) ?? []) {
      if (connection.socket && connection.transport !== 'inspect') yield connection.socket;
    }
  }

  /** Null when the client is at its limit or the server is shutting down. */
  register(connection: LiveConnection): Registration | null {
    if (this.#closing) return null;
    let list = this.#byClient.get(connection.clientId);
    if (!list) {
      list = [];
      this.#byClient.set(connection.clientId, list);
    }
    if (list.length >= this.#maxPerClient) return null;
    list.push(connection);
    const owned = list;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const at = owned.indexOf(connection);
        if (at >= 0) owned.splice(at, 1);
        if (owned.length === 0 && this.#byClient.get(connection.clientId) === owned)
          this.#byClient.delete(connection.clientId);
        if (this.#closing && this.size === 0) this.#onEmpty?.();
      },
    };
  }

  /**
   * Kills every chat connection of the client (never its inspector); answers how many, and the sockets
   * they lived on, so the lab can end the client's other sockets without ending these twice.
   */
  kill(clientId: string, mode: KillMode, closeCode: number): { killed: number; sockets: Set<Socket> } {
    const sockets = new Set<Socket>();
    let killed = 0;
    for (const connection of [...(this.#byClient.get(clientId) ?? [])]) {
      if (!connection.kill) continue;
      if (connection.socket) sockets.add(connection.socket);
      killed += 1;
      try {
        connection.kill(mode, closeCode);
      } catch (error) {
        console.error(`killing a ${connection.transport} connection failed`, error);
      }
    }
    return { killed, sockets };
  }

  /** Refuses new connections, asks every open one to close, and resolves when all released or after graceMs. */
  async closeAll(graceMs: number): Promise<void> {
    this.#closing = true;
    for (const list of [...this.#byClient.values()]) {
      for (const connection of [...list]) {
        try {
          connection.close('shutdown');
        } catch (error) {
          console.error(`closing a ${connection.transport} connection failed`, error);
        }
      }
    }
    if (this.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      this.#onEmpty = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
