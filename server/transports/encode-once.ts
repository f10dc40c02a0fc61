/**
 * Fan-out sends one message to every subscriber; encoding it once per message instead of once per
 * subscriber turns N JSON.stringify calls into one. A broker hands one message to all its listeners in
 * one synchronous loop, so remembering the last message encoded is enough. A WeakMap keyed by message
 * did the same, but kept each encoded frame alive (and promoted with it) as long as its message sat in
 * history, and was one more lookup and store per delivery.
 */
import type { ChatMessage } from '../../protocol/messages.ts';

export function encodeOncePerMessage(
  encode: (message: ChatMessage) => string,
): (message: ChatMessage) => string {
  let lastMessage: ChatMessage | null = null;
  let lastText = '';
  return (message) => {
    if (message !== lastMessage) {
      lastText = encode(message);
      lastMessage = message;
    }
    return lastText;
  };
}
