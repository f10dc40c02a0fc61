/** POST /api/rooms/:room/messages: how the three HTTP transports send. Idempotent by the client's `id`. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { SendRequest } from '../../protocol/messages.ts';
import type { ServerEnv, TransportDeps } from './deps.ts';
import { errorResponse } from './errors.ts';
import { parseRoomAndClient } from './params.ts';

export function createSendRoutes({ hub, config }: TransportDeps): Hono<ServerEnv> {
  const routes = new Hono<ServerEnv>();
  routes.post(
    '/:room/messages',
    bodyLimit({
      maxSize: config.maxBodyBytes,
      onError: (c) =>
        errorResponse(
          c,
          413,
          'payload_too_large',
          `request body is over the limit of ${config.maxBodyBytes} bytes`,
        ),
    }),
    async (c) => {
      const target = parseRoomAndClient(c);
      if (!target.ok) return target.response;
      let json: unknown;
      try {
        json = JSON.parse(await c.req.text());
      } catch (error) {
        const detail = error instanceof SyntaxError ? error.message : 'unreadable body';
        return errorResponse(c, 400, 'invalid_json', `body is not JSON: ${detail}`);
      }
      const request = SendRequest.safeParse(json);
      if (!request.success) {
        const detail = request.error.issues.map(
          (issue) => `${issue.path.join('.') || 'body'} ${issue.message}`,
        );
        return errorResponse(c, 400, 'invalid_body', detail.join('; '));
      }
      const outcome = await hub.send(target.value.room, target.value.clientId, request.data);
      if (outcome.ok) return c.json(outcome.ack, 201);
      switch (outcome.code) {
        case 'payload_too_large':
          return errorResponse(c, 413, outcome.code, outcome.message);
        case 'rate_limited':
          return errorResponse(c, 429, outcome.code, outcome.message, {
            'retry-after': String(outcome.retryAfterSeconds),
          });
      }
    },
  );
  return routes;
}
