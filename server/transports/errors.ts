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
