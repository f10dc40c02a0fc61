/**
 * Fan-out sends one message to every subscriber; encoding it once per message instead of once per
 * subscriber turns N JSON.stringify calls into one. Keyed weakly by the message object the broker
 * hands to every listener, so nothing outlives the message.
 */
import type { ChatMessage } from '../../protocol/messages.ts';

export function encodeOncePerMessage(
  encode: (message: ChatMessage) => string,
): (message: ChatMessage) => string {
  const encoded = new WeakMap<ChatMessage, string>();
  return (message) => {
    let text = encoded.get(message);
    if (text === undefined) {
      text = encode(message);
      encoded.set(message, text);
    }
    return text;
  };
}
