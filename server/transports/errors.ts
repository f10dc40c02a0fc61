import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody, ErrorCode } from '../../protocol/messages.ts';

/** Every HTTP error Wirelab sends: a status and `{ error: { code, message } }`. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: ErrorCode,
  message: string,
  headers?: Record<string, string>,
): Response {
  const body: ErrorBody = { error: { code, message } };
  return c.json(body, status, headers);
}

/**
 * Why a streaming connection (an SSE stream, a held long poll) could not be registered: the server is
 * shutting down, or the client already has as many open as it may.
 */
export function registrationRefused(c: Context, isClosing: boolean, clientId: string): Response {
  return isClosing
    ? errorResponse(c, 503, 'shutting_down', 'the server is shutting down; retry shortly')
    : errorResponse(c, 429, 'too_many_connections', `client ${clientId} has too many open connections`);
}
