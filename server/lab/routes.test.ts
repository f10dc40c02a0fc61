/**
 * /api/lab over a real server: what it answers, what it refuses and how, and that one client's faults
 * never reach another client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../../client/transports/types.ts';
import { DEFAULT_LAB_SETTINGS, LabState } from '../../protocol/lab.ts';
import { ErrorBody } from '../../protocol/messages.ts';
import { type Config, DEFAULT_CONFIG } from '../config.ts';
import { type RunningServer, startServer } from '../server.ts';
import { LAB_MAX_BODY_BYTES } from './routes.ts';
import { chatTexts, FaultLog, kill, openProbe, setLab, until } from './test-lab.ts';

const CONFIG: Config = {
  ...DEFAULT_CONFIG,
  port: 0,
  staticDir: null,
  allowedOrigins: ['https://allowed.example'],
  sendRatePerSecond: 1_000,
  sendBurst: 1_000,
  sseRetryMs: 50,
  presenceGraceMs: 200,
  shutdownGraceMs: 500,
  labMaxClients: 3,
};

let server: RunningServer;
const faults = new FaultLog();

beforeAll(async () => {
  server = await startServer(CONFIG);
  server.lab.onFault(faults.record);
});
afterAll(async () => {
  await server.shutdown();
});

const json = { 'content-type': 'application/json' };

function lab(client: string, path = ''): string {
  return `${server.url}/api/lab${path}?client=${encodeURIComponent(client)}`;
}

async function expectError(response: Response, status: number, code: string): Promise<string> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const body = ErrorBody.parse(JSON.parse(text));
  expect(body.error.code).toBe(code);
  return body.error.message;
}

describe('/api/lab', () => {
  it('GET answers the defaults for a client that set nothing; PUT merges a patch; DELETE restores the defaults', async () => {
    const fresh = await fetch(lab('routes-a'));
    expect(fresh.status).toBe(200);
    expect(LabState.parse(await fresh.json())).toEqual({
      client: 'routes-a',
      settings: DEFAULT_LAB_SETTINGS,
    });

    const put = await fetch(lab('routes-a'), {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ delayToClientMs: 250, wsBinary: true }),
    });
    expect(put.status).toBe(200);
    expect(LabState.parse(await put.json()).settings).toEqual({
      ...DEFAULT_LAB_SETTINGS,
      delayToClientMs: 250,
      wsBinary: true,
    });
    await fetch(lab('routes-a'), {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ jitterToClientMs: 10 }),
    });
    const read = LabState.parse(await (await fetch(lab('routes-a'))).json());
    expect(read.settings).toMatchObject({ delayToClientMs: 250, wsBinary: true, jitterToClientMs: 10 });

    const deleted = await fetch(lab('routes-a'), { method: 'DELETE' });
    expect(LabState.parse(await deleted.json()).settings).toEqual(DEFAULT_LAB_SETTINGS);
    // Only clients with non-default settings are kept.
    expect(server.lab.store.size).toBe(0);
  });

  it('refuses bad values with readable messages, unknown keys, non-JSON, a wrong type and a huge body', async () => {
    const put = (body: string, headers: Record<string, string> = json) =>
      fetch(lab('routes-b'), { method: 'PUT', headers, body });
    expect(await expectError(await put('{"delayToClientMs":-1}'), 400, 'invalid_body')).toMatch(
      /delayToClientMs/,
    );
    expect(await expectError(await put('{"idleTimeoutMs":100}'), 400, 'invalid_body')).toMatch(
      /idleTimeoutMs/,
    );
    expect(await expectError(await put('{"wsFragmentBytes":4}'), 400, 'invalid_body')).toMatch(
      /wsFragmentBytes/,
    );
    expect(await expectError(await put('{"dropNext":1.5}'), 400, 'invalid_body')).toMatch(/dropNext/);
    expect(await expectError(await put('{"stopHeartbeats":"yes"}'), 400, 'invalid_body')).toMatch(
      /stopHeartbeats/,
    );
    expect(await expectError(await put('{"teleport":true}'), 400, 'invalid_body')).toMatch(
      /unknown setting teleport/,
    );
    expect(await expectError(await put('[1,2]'), 400, 'invalid_body')).toMatch(/body/);
    expect(await expectError(await put('{not json'), 400, 'invalid_json')).toMatch(/not JSON/);
    await expectError(await put('{"wsBinary":true}', { 'content-type': 'text/plain' }), 415, 'bad_request');
    await expectError(await put('{"wsBinary":true}', {}), 415, 'bad_request');
    const huge = JSON.stringify({ wsBinary: true, padding: 'x'.repeat(LAB_MAX_BODY_BYTES) });
    await expectError(await put(huge), 413, 'payload_too_large');
    // Nothing of the refused requests stuck.
    expect(LabState.parse(await (await fetch(lab('routes-b'))).json()).settings).toEqual(
      DEFAULT_LAB_SETTINGS,
    );

    const badKill = (body: string) =>
      fetch(lab('routes-b', '/kill'), { method: 'POST', headers: json, body });
    expect(await expectError(await badKill('{"mode":"explode"}'), 400, 'invalid_body')).toMatch(/mode/);
    expect(await expectError(await badKill('{"mode":"clean","code":4999}'), 400, 'invalid_body')).toMatch(
      /must be one of 1000, 1001, 1008, 1009, 1011, 1012/,
    );
  });

  it('refuses a bad client id on every route with 400 invalid_client', async () => {
    for (const client of ['', 'has space', 'x'.repeat(65), 'semi;colon']) {
      await expectError(await fetch(lab(client)), 400, 'invalid_client');
      await expectError(
        await fetch(lab(client), { method: 'PUT', headers: json, body: '{"wsBinary":true}' }),
        400,
        'invalid_client',
      );
      await expectError(await fetch(lab(client), { method: 'DELETE' }), 400, 'invalid_client');
      await expectError(
        await fetch(lab(client, '/kill'), { method: 'POST', headers: json, body: '{"mode":"reset"}' }),
        400,
        'invalid_client',
      );
    }
    await expectError(await fetch(`${server.url}/api/lab`), 400, 'invalid_client');
  });

  it('checks Origin on writes like the WebSocket upgrade does; reads stay open', async () => {
    const evil = { ...json, origin: 'https://evil.example' };
    await expectError(
      await fetch(lab('routes-c'), { method: 'PUT', headers: evil, body: '{"wsBinary":true}' }),
      403,
      'forbidden_origin',
    );
    await expectError(
      await fetch(lab('routes-c'), { method: 'DELETE', headers: evil }),
      403,
      'forbidden_origin',
    );
    await expectError(
      await fetch(lab('routes-c', '/kill'), { method: 'POST', headers: evil, body: '{"mode":"reset"}' }),
      403,
      'forbidden_origin',
    );
    const allowed = await fetch(lab('routes-c'), {
      method: 'PUT',
      headers: { ...json, origin: 'https://allowed.example' },
      body: '{"wsBinary":true}',
    });
    expect(allowed.status).toBe(200);
    const same = await fetch(lab('routes-c'), {
      method: 'DELETE',
      headers: { origin: server.url },
    });
    expect(same.status).toBe(200);
  });

  it('keeps at most labMaxClients clients, forgetting the least recently used', async () => {
    for (const client of ['lru-1', 'lru-2', 'lru-3']) await setLab(server.url, client, { wsBinary: true });
    // Reading lru-1 makes it recent; lru-2 is now the oldest.
    await fetch(lab('lru-1'));
    await setLab(server.url, 'lru-4', { wsBinary: true });
    const settingsOf = async (client: string) =>
      LabState.parse(await (await fetch(lab(client))).json()).settings;
    expect((await settingsOf('lru-2')).wsBinary).toBe(false);
    for (const client of ['lru-1', 'lru-3', 'lru-4']) expect((await settingsOf(client)).wsBinary).toBe(true);
    expect(server.lab.store.size).toBe(3);
    for (const client of ['lru-1', 'lru-3', 'lru-4']) await fetch(lab(client), { method: 'DELETE' });
  });

  it("isolation: client A's faults (drops, delay, kills, blocked upgrades) never touch client B in the same room", async () => {
    const room = `isolation-${Math.random().toString(36).slice(2, 8)}`;
    const opened: Transport[] = [];
    try {
      const a = openProbe('websocket', {
        room,
        clientId: 'iso-a',
        name: 'ada',
        since: null,
        baseUrl: server.url,
      });
      const b = openProbe('websocket', {
        room,
        clientId: 'iso-b',
        name: 'bob',
        since: null,
        baseUrl: server.url,
      });
      const bSse = openProbe('sse', {
        room,
        clientId: 'iso-b-sse',
        name: 'bo2',
        since: null,
        baseUrl: server.url,
      });
      opened.push(a.transport, b.transport, bSse.transport);
      for (const probe of [a, b, bSse]) {
        await until(
          () => probe.resumes.length > 0,
          () => `${probe.transport.kind} to open`,
        );
      }
      await setLab(server.url, 'iso-a', {
        dropNext: 5,
        delayToClientMs: 300,
        blockUpgrade: true,
        stopHeartbeats: true,
      });
      expect(await kill(server.url, 'iso-a', { mode: 'reset' })).toBe(1);
      for (let index = 1; index <= 20; index += 1) {
        await b.transport.send({ id: `iso-${index}`, text: `iso ${index}`, sentAtMs: Date.now() });
      }
      await until(
        () => chatTexts(bSse).includes('iso 20'),
        () => 'the SSE client of B to get all 20',
      );
      await until(
        () => chatTexts(b).includes('iso 20'),
        () => 'B to get all 20',
      );
      for (const probe of [b, bSse]) {
        expect(chatTexts(probe)).toEqual(Array.from({ length: 20 }, (_, index) => `iso ${index + 1}`));
        expect(probe.statuses.map((s) => s.change.status)).toEqual(['connecting', 'open']);
      }
      for (const client of ['iso-b', 'iso-b-sse']) expect(faults.forClient(client)).toBe('[]');
      // A was hit: its upgrade is refused now.
      await until(
        () => faults.count('iso-a', 'upgrade_blocked') > 0,
        () => `A's upgrade to be refused`,
      );
      expect(LabState.parse(await (await fetch(lab('iso-a'))).json()).settings.dropNext).toBe(5);
    } finally {
      for (const transport of opened) transport.close();
      await fetch(lab('iso-a'), { method: 'DELETE' });
    }
  });
});
