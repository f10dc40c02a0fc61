import type { SendAck } from '../../protocol/messages.ts';
import { postMessage } from './http.ts';
import { type OutgoingMessage, TransportClosedError, type TransportOptions } from './types.ts';

/**
 * Sends for the HTTP transports. Owns one AbortController so close() cancels every POST still in
 * flight (or waiting to retry); their promises reject with TransportClosedError, which the page may
 * retry on its next transport with the same id.
 */
export class HttpSender {
  readonly #options: TransportOptions;
  readonly #controller = new AbortController();

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  async send(message: OutgoingMessage): Promise<SendAck> {
    if (this.#controller.signal.aborted) throw new TransportClosedError();
    try {
      return await postMessage(this.#options, message, this.#controller.signal);
    } catch (error) {
      if (this.#controller.signal.aborted) throw new TransportClosedError();
      throw error;
    }
  }

  close(): void {
    this.#controller.abort();
  }
}
