/**
 * The network lab of one server: the settings store, the clients' sockets, and a feed of the faults it
 * caused (tests assert on it, so a fault test can tell "survived the fault" from "the fault never hit").
 */
import type { Socket } from 'node:net';
import type { LabSettings } from '../../protocol/lab.ts';
import type { TransportKind } from '../../protocol/messages.ts';
import { ClientSockets } from './sockets.ts';
import { LabStore } from './store.ts';

export type LabFaultKind =
  /** A delivery lost and its connection reset (`dropNext`). */
  | 'dropped'
  /** An SSE event cut before its blank line (`cutNextSseEvent`). */
  | 'sse_cut'
  /** The simulated proxy closed a connection that idled past `idleTimeoutMs`. */
  | 'idle_cut'
  /** A WebSocket terminated because the server ignored its pongs (`ignorePongs`). */
  | 'pong_timeout'
  /** A WebSocket upgrade refused (`blockUpgrade`). */
  | 'upgrade_blocked'
  /** A connection ended by `POST /api/lab/kill`. */
  | 'killed';

export interface LabFault {
  clientId: string;
  kind: LabFaultKind;
  /** The transport that carried it, when one did (the idle cut only sees a socket). */
  transport?: TransportKind;
}

export class Lab {
  readonly store: LabStore;
  readonly sockets: ClientSockets;
  readonly #listeners = new Set<(fault: LabFault) => void>();

  /** `longLived`: the sockets of the client's streaming connections, which the idle timeout watches. */
  constructor(maxClients: number, longLived: (clientId: string) => Iterable<Socket>) {
    this.store = new LabStore(maxClients);
    this.sockets = new ClientSockets(this.store, longLived, (clientId) =>
      this.report({ clientId, kind: 'idle_cut' }),
    );
  }

  settings(clientId: string): Readonly<LabSettings> {
    return this.store.settings(clientId);
  }

  onFault(listener: (fault: LabFault) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  report(fault: LabFault): void {
    for (const listener of [...this.#listeners]) listener(fault);
  }
}
