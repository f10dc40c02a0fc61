/** What the two polling transports share: turning a hub answer, or a cursor error, into an HTTP answer. */
import type { Context } from 'hono';
import type { PollResponse } from '../../protocol/messages.ts';
import { CursorAheadError } from '../hub/broker.ts';
import type { ReadAnswer } from '../hub/hub.ts';
import { errorResponse } from './errors.ts';

export function pollBody(answer: ReadAnswer): PollResponse {
  return {
    messages: answer.messages,
    cursor: answer.cursor,
    recovered: answer.outcome.recovered,
    ...(answer.outcome.recovered ? {} : { reason: answer.outcome.reason }),
  };
}

export function pollResponse(c: Context, answer: ReadAnswer): Response {
  return c.json(pollBody(answer), 200, { 'cache-control': 'no-store' });
}

/** A cursor ahead of the room is a client bug or a forgery: a 400 that says so. Anything else is rethrown. */
export function cursorErrorResponse(c: Context, error: unknown): Response {
  if (error instanceof CursorAheadError) return errorResponse(c, 400, 'invalid_cursor', error.message);
  throw error;
}
