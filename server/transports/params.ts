/**
 * The query parameters every transport URL shares (`client`, `name`, `since`) and the room in the path,
 * validated once here so each transport file only deals with its own protocol.
 */
import type { Context } from 'hono';
import { ClientId, type Cursor, parseCursor, RoomName, UserName } from '../../protocol/messages.ts';
import { errorResponse } from './errors.ts';

export interface Participant {
  room: string;
  clientId: string;
  name: string;
  since: Cursor | null;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

function issuesText(issues: readonly { message: string }[]): string {
  return issues.map((issue) => issue.message).join('; ');
}

export function parseRoomAndClient(c: Context): Parsed<{ room: string; clientId: string }> {
  const room = RoomName.safeParse(c.req.param('room'));
  if (!room.success) {
    return {
      ok: false,
      response: errorResponse(c, 400, 'invalid_room', `room ${issuesText(room.error.issues)}`),
    };
  }
  const clientId = ClientId.safeParse(c.req.query('client'));
  if (!clientId.success) {
    return {
      ok: false,
      response: errorResponse(
        c,
        400,
        'invalid_client',
        `query parameter client ${issuesText(clientId.error.issues)}`,
      ),
    };
  }
  return { ok: true, value: { room: room.data, clientId: clientId.data } };
}

/**
 * Room, client, name and cursor. A non-empty `newerCursor` (SSE's Last-Event-ID) wins over `since` in the
 * query: EventSource reconnects to the URL it was opened with, so the query's cursor is the older one.
 * An empty value means "no cursor"; anything else that is not "epoch:seq" is a 400.
 */
export function parseParticipant(c: Context, newerCursor?: string): Parsed<Participant> {
  const base = parseRoomAndClient(c);
  if (!base.ok) return base;
  const name = UserName.safeParse(c.req.query('name'));
  if (!name.success) {
    return {
      ok: false,
      response: errorResponse(
        c,
        400,
        'invalid_name',
        `query parameter name ${issuesText(name.error.issues)}`,
      ),
    };
  }
  const rawSince = newerCursor || c.req.query('since') || '';
  let since: Cursor | null = null;
  if (rawSince !== '') {
    since = parseCursor(rawSince);
    if (!since) {
      return {
        ok: false,
        response: errorResponse(
          c,
          400,
          'invalid_cursor',
          'cursor must look like "epoch:seq" (seq a whole number)',
        ),
      };
    }
  }
  return { ok: true, value: { ...base.value, name: name.data, since } };
}
