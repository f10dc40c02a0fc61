/**
 * How a WebSocket message leaves the server under the lab's frame options: text or binary (opcode 1 or
 * 2, the same UTF-8 JSON either way), and split into a first frame and continuation frames (opcode 0)
 * when longer than `wsFragmentBytes`. ws writes each fragment with `fin: false` until the last; with
 * permessage-deflate it compresses the fragments as one message (RSV1 on the first frame only, RFC 7692
 * section 6.1), so fragmenting and deflate combine correctly.
 */
import type { WebSocket } from 'ws';
import type { LabSettings } from '../../protocol/lab.ts';

export function sendShaped(
  socket: WebSocket,
  text: string,
  settings: Pick<LabSettings, 'wsBinary' | 'wsFragmentBytes'>,
): void {
  const binary = settings.wsBinary;
  const fragmentBytes = settings.wsFragmentBytes;
  if (fragmentBytes === 0) {
    socket.send(binary ? Buffer.from(text, 'utf8') : text, { binary });
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.byteLength <= fragmentBytes) {
    socket.send(binary ? bytes : text, { binary });
    return;
  }
  // Byte boundaries may split a UTF-8 sequence; that is allowed (RFC 6455 section 5.6: a text message
  // must be valid UTF-8 as a whole, and receivers validate the reassembled message).
  for (let offset = 0; offset < bytes.byteLength; offset += fragmentBytes) {
    const end = Math.min(offset + fragmentBytes, bytes.byteLength);
    socket.send(bytes.subarray(offset, end), { binary, fin: end === bytes.byteLength });
  }
}
