/**
 * /api/lab: read, change and reset one client's lab settings, and kill its connections now (README,
 * "Network lab"). Writes check Origin like the WebSocket upgrade does, and take only application/json:
 * a form or text/plain POST is a "simple" cross-site request a browser sends without asking, so any page
 * could otherwise break a student's connection.
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type * as z from 'zod/mini';
import {
  LAB_MIN_FRAGMENT_BYTES,
  LAB_MIN_IDLE_TIMEOUT_MS,
  LabKillRequest,
  LabSettingsPatch,
  type LabState,
} from '../../protocol/lab.ts';
import { CLOSE_CODES, ClientId } from '../../protocol/messages.ts';
import type { ServerEnv, TransportDeps } from '../transports/deps.ts';
import { errorResponse } from '../transports/errors.ts';
import { isAllowedOrigin } from '../transports/origin.ts';

/** A full settings patch is a few hundred bytes; anything this big is not one. */
export const LAB_MAX_BODY_BYTES = 4 * 1024;

export type LabDeps = TransportDeps;

/** Settings where 0 means off: zod's message for the union names only one branch. */
const OFF_OR_RANGE: Record<string, string> = {
  idleTimeoutMs: `0 (off) or a whole number from ${LAB_MIN_IDLE_TIMEOUT_MS} to 600000`,
  wsFragmentBytes: `0 (off) or a whole number from ${LAB_MIN_FRAGMENT_BYTES} to 65536`,
};

type Checked<T> = { ok: true; value: T } | { ok: false; response: Response };

function clientOf(c: Context<ServerEnv>): Checked<string> {
  const client = ClientId.safeParse(c.req.query('client'));
  if (client.success) return { ok: true, value: client.data };
  const detail = client.error.issues.map((issue) => issue.message).join('; ');
  return { ok: false, response: errorResponse(c, 400, 'invalid_client', `query parameter client ${detail}`) };
}

/** Origin, client id, content type and a JSON body matching `schema`, in that order. */
async function readWrite<T>(
  c: Context<ServerEnv>,
  deps: LabDeps,
  schema: z.ZodMiniType<T>,
): Promise<Checked<{ clientId: string; body: T }>> {
  if (!isAllowedOrigin(c.req.header('origin'), c.req.header('host'), deps.config.allowedOrigins)) {
    return {
      ok: false,
      response: errorResponse(c, 403, 'forbidden_origin', 'this origin may not change the lab'),
    };
  }
  const client = clientOf(c);
  if (!client.ok) return client;
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return { ok: false, response: errorResponse(c, 415, 'bad_request', 'send the body as application/json') };
  }
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : 'unreadable body';
    return { ok: false, response: errorResponse(c, 400, 'invalid_json', `body is not JSON: ${detail}`) };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown setting ${issue.keys.join(', ')}`;
      const hint = OFF_OR_RANGE[String(issue.path[0])];
      if (hint && issue.path.length === 1) return `${String(issue.path[0])} must be ${hint}`;
      return `${issue.path.join('.') || 'body'} ${issue.message}`;
    });
    return { ok: false, response: errorResponse(c, 400, 'invalid_body', detail.join('; ')) };
  }
  return { ok: true, value: { clientId: client.value, body: parsed.data } };
}

export function createLabRoutes(deps: LabDeps): Hono<ServerEnv> {
  const { lab, connections } = deps;
  const routes = new Hono<ServerEnv>();
  const state = (clientId: string): LabState => ({
    client: clientId,
    settings: { ...lab.settings(clientId) },
  });
  const limit = bodyLimit({
    maxSize: LAB_MAX_BODY_BYTES,
    onError: (c) =>
      errorResponse(c, 413, 'payload_too_large', `body is over the limit of ${LAB_MAX_BODY_BYTES} bytes`),
  });

  routes.get('/lab', (c) => {
    const client = clientOf(c);
    if (!client.ok) return client.response;
    return c.json(state(client.value), 200, { 'cache-control': 'no-store' });
  });

  routes.put('/lab', limit, async (c) => {
    const request = await readWrite(c, deps, LabSettingsPatch);
    if (!request.ok) return request.response;
    lab.store.update(request.value.clientId, request.value.body);
    return c.json(state(request.value.clientId));
  });

  routes.delete('/lab', (c) => {
    if (!isAllowedOrigin(c.req.header('origin'), c.req.header('host'), deps.config.allowedOrigins)) {
      return errorResponse(c, 403, 'forbidden_origin', 'this origin may not change the lab');
    }
    const client = clientOf(c);
    if (!client.ok) return client.response;
    lab.store.reset(client.value);
    return c.json(state(client.value));
  });

  routes.post('/lab/kill', limit, async (c) => {
    const request = await readWrite(c, deps, LabKillRequest);
    if (!request.ok) return request.response;
    const { clientId, body } = request.value;
    const code = body.code ?? CLOSE_CODES.serviceRestart;
    const registered = connections.kill(clientId, body.mode, code);
    // This request may ride a keep-alive socket the client's polls used (a page's requests share one
    // pool): it must live to carry the answer, then it closes like the rest. Even in reset mode it ends
    // with a FIN, since an RST would throw away the answer still in the kernel's send buffer.
    const own = c.env?.incoming.socket;
    let ownKilled = 0;
    if (own) {
      registered.sockets.add(own);
      if (lab.sockets.owns(clientId, own) && !own.destroyed) {
        c.header('connection', 'close');
        ownKilled = 1;
      }
    }
    const others = lab.sockets.kill(clientId, body.mode, registered.sockets);
    const killed = registered.killed + others + ownKilled;
    for (let index = 0; index < killed; index += 1) lab.report({ clientId, kind: 'killed' });
    return c.json({ killed });
  });

  return routes;
}
