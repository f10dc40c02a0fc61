/**
 * The body of a `text/event-stream` response as the capture sees it: de-chunked bytes fed to the SSE
 * parser, and for each HTTP chunk, what it carried (an event, a comment, or several) with the SSE layers
 * moved from body offsets to where those bytes sat on the wire.
 */
import type { WireUnit } from '../../protocol/inspect.ts';
import type { Layer } from '../../protocol/wire/layers.ts';
import { SseParser, type SseUnit } from '../../protocol/wire/sse.ts';
import { seqsIn } from './unit-details.ts';

/** What one HTTP chunk of the stream carried. */
export interface SseChunk {
  unit: WireUnit;
  /** The SSE layers, at their offsets in the TCP stream. */
  layers: Layer[];
  messageSeqs: number[];
}

export class SseBody {
  readonly #parser = new SseParser();
  #pending: SseUnit[] = [];
  /** Where de-chunked body bytes fed to the parser sit in the TCP stream, for placing its layers. */
  #segments: Array<{ bodyOffset: number; streamOffset: number; length: number }> = [];
  #fed = 0;

  /** Body bytes as the HTTP parser de-chunked them, and where the first of them sat in the TCP stream. */
  feed(bytes: Uint8Array, streamOffset: number): void {
    this.#segments.push({ bodyOffset: this.#fed, streamOffset, length: bytes.length });
    this.#fed += bytes.length;
    this.#pending.push(...this.#parser.push(bytes).units);
  }

  /** An HTTP chunk ended: what the bytes fed since the previous one carried. */
  takeChunk(): SseChunk {
    const sse = this.#pending;
    this.#pending = [];
    // The blank line after a comment ends an empty block (`: heartbeat\n\n`): nothing EventSource dispatches or
    // remembers, so it does not make the chunk a second unit.
    const meaningful = sse.filter(
      (unit) =>
        unit.kind !== 'bom' &&
        !(unit.kind === 'event' && unit.status === 'no-data' && unit.layers.length <= 1),
    );
    let unit: WireUnit = 'http-chunk';
    const only = meaningful.length === 1 ? meaningful[0] : undefined;
    if (only?.kind === 'event') unit = 'sse-event';
    else if (only?.kind === 'comment') unit = 'sse-comment';
    // SSE layers count from the start of the de-chunked body; move them to where those bytes sat on the wire.
    const layers = sse.flatMap((piece) => piece.layers.map((layer) => this.#toStream(layer)));
    const lastSegment = this.#segments.at(-1);
    this.#segments = lastSegment ? [lastSegment] : [];
    const messageSeqs = meaningful.flatMap((piece) =>
      piece.kind === 'event' ? seqsIn(new TextEncoder().encode(piece.data)) : [],
    );
    return { unit, layers, messageSeqs };
  }

  #streamOffsetOfBody(bodyOffset: number): number {
    const segment =
      this.#segments.find(
        (piece) => bodyOffset >= piece.bodyOffset && bodyOffset < piece.bodyOffset + piece.length,
      ) ?? this.#segments.at(-1);
    return segment ? segment.streamOffset + (bodyOffset - segment.bodyOffset) : bodyOffset;
  }

  #toStream(layer: Layer): Layer {
    layer.byteOffset = this.#streamOffsetOfBody(layer.byteOffset);
    for (const field of layer.fields) field.byteOffset = this.#streamOffsetOfBody(field.byteOffset);
    return layer;
  }
}
