/**
 * A Wirelab trace: the wire events and chat messages of one session, saved by the page and loaded back
 * for an offline, deterministic replay in the same views (say, to rehearse an interview answer).
 */
import * as z from 'zod/mini';
import { WireEvent } from './inspect.ts';
import { ChatMessage, TRANSPORT_KINDS } from './messages.ts';

export const TRACE_FORMAT = 'wirelab-trace';
export const TRACE_VERSION = 1;

export const Trace = z.object({
  format: z.literal(TRACE_FORMAT),
  version: z.literal(TRACE_VERSION),
  /** Page clock when it was saved. */
  exportedAtMs: z.number(),
  client: z.string(),
  room: z.string(),
  transport: z.enum(TRANSPORT_KINDS),
  /** Server clock minus page clock when saved, if it was known. */
  clockOffsetMs: z.nullable(z.number()),
  events: z.array(WireEvent),
  messages: z.array(ChatMessage),
});
export type Trace = z.infer<typeof Trace>;

export type TraceParse = { ok: true; trace: Trace } | { ok: false; message: string };

/** Reads a trace file's text; any problem is a message for the person who picked the file. */
export function parseTrace(text: string): TraceParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not JSON: ${error instanceof Error ? error.message : 'unreadable'}` };
  }
  const parsed = Trace.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `not a Wirelab trace: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'invalid'}`,
    };
  }
  return { ok: true, trace: parsed.data };
}
