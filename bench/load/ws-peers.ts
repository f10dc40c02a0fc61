/**
 * WebSocket load clients built on `ws`. They count frames by their type without parsing them (the byte
 * after `{"type":"` names it), so the generator stays cheap next to the server it measures.
 */
import { WebSocket } from 'ws';
import { CONNECT_CONCURRENCY, Counter, forEachLimited, sourceAddress } from './counter.ts';

const CONNECT_TIMEOUT_MS = 30_000;
/** Index of the first letter of the type in `{"type":"message",...}`. */
const TYPE_LETTER_AT = 9;
const LETTER_M = 'm'.charCodeAt(0);
const LETTER_A = 'a'.charCodeAt(0);
const LETTER_R = 'r'.charCodeAt(0);
const LETTER_E = 'e'.charCodeAt(0);

export class WsPeers {
  readonly sockets: WebSocket[] = [];
  /** `message` frames received, by all peers together. */
  readonly messages = new Counter();
  readonly acks = new Counter();
  readonly resumes = new Counter();
  /** Called on each `message` frame with the peer's index (used by latency probes). */
  onMessage: ((index: number) => void) | null = null;
  #sent = 0;

  /** Opens `count` sockets and resolves once every one has its `resume` frame. */
  static async open(url: (index: number) => string, count: number): Promise<WsPeers> {
    const peers = new WsPeers();
    try {
      await forEachLimited(count, CONNECT_CONCURRENCY, (index) => peers.#connect(url(index), index));
      await peers.resumes.reach(count, CONNECT_TIMEOUT_MS, 'resume frames');
    } catch (error) {
      peers.destroy();
      throw error;
    }
    return peers;
  }

  #connect(url: string, index: number): Promise<void> {
    const socket = new WebSocket(url, {
      localAddress: sourceAddress(index),
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    this.sockets[index] = socket;
    socket.on('message', (data: Buffer) => {
      switch (data[TYPE_LETTER_AT]) {
        case LETTER_M:
          this.messages.add();
          this.onMessage?.(index);
          return;
        case LETTER_A:
          this.acks.add();
          return;
        case LETTER_R:
          this.resumes.add();
          return;
        case LETTER_E:
          console.error(`ws peer ${index}: ${String(data)}`);
          return;
      }
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no WebSocket to ${url} in ${CONNECT_TIMEOUT_MS} ms`)),
        CONNECT_TIMEOUT_MS,
      );
      socket.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Sends one chat frame from peer `index`. */
  send(index: number): void {
    this.#sent += 1;
    const socket = this.sockets[index];
    if (!socket) throw new Error(`no peer ${index}`);
    socket.send(
      `{"type":"send","id":"m${index}-${this.#sent}","from":"bench","text":"hello number ${this.#sent} from peer ${index}"}`,
    );
  }

  /** Drops every socket at once (the server is killed first, so TIME_WAIT stays on its side). */
  destroy(): void {
    for (const socket of this.sockets) socket?.terminate();
  }
}
