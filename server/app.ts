/**
 * createApp(deps): the Hono app, with every route mounted. No listening and no timers here, so routes
 * can be tested with app.request() and the server can be assembled differently (tests, benchmarks).
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { createInspectRoutes, type InspectDeps } from './capture/inspect.ts';
import { createLabRoutes } from './lab/routes.ts';
import type { ServerEnv } from './transports/deps.ts';
import { errorResponse } from './transports/errors.ts';
import { createTransportRoutes } from './transports/index.ts';

export type AppDeps = InspectDeps;

export function createApp(deps: AppDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.get('/api/health', (c) => c.json({ ok: true }));
  app.route('/api/rooms', createTransportRoutes(deps));
  app.route('/api', createInspectRoutes(deps));
  app.route('/api', createLabRoutes(deps));
  app.all('/api/*', (c) => errorResponse(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));

  const { staticDir } = deps.config;
  if (staticDir !== null) {
    app.use('/*', serveStatic({ root: staticDir }));
    // The page is one document; any other path gets it too (so a shared link with a room still loads).
    app.get('*', serveStatic({ root: staticDir, path: 'index.html' }));
  }

  app.onError((error, c) => {
    console.error(`unhandled error on ${c.req.method} ${c.req.path}`, error);
    return errorResponse(c, 500, 'internal', 'the server failed to handle this request');
  });
  return app;
}
