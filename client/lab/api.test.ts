/** The lab API module against a real server: what the page sends is what the server takes, and back. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LAB_SETTINGS } from '../../protocol/lab.ts';
import { DEFAULT_CONFIG } from '../../server/config.ts';
import { type RunningServer, startServer } from '../../server/server.ts';
import { getLab, killConnections, LabApiError, resetLab, updateLab } from './api.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ ...DEFAULT_CONFIG, port: 0, staticDir: null });
});
afterAll(async () => {
  await server.shutdown();
});

const options = (clientId: string) => ({ clientId, baseUrl: server.url });

describe('lab api', () => {
  it('reads defaults, changes one setting, and resets', async () => {
    expect(await getLab(options('api-a'))).toEqual({ client: 'api-a', settings: DEFAULT_LAB_SETTINGS });
    const changed = await updateLab(options('api-a'), { blockUpgrade: true, delayToClientMs: 250 });
    expect(changed.settings).toEqual({ ...DEFAULT_LAB_SETTINGS, blockUpgrade: true, delayToClientMs: 250 });
    expect((await getLab(options('api-a'))).settings.blockUpgrade).toBe(true);
    expect((await resetLab(options('api-a'))).settings).toEqual(DEFAULT_LAB_SETTINGS);
  });

  it("turns the server's refusal into a readable error with its code", async () => {
    const refusal = updateLab(options('api-b'), { wsFragmentBytes: 3 });
    await expect(refusal).rejects.toBeInstanceOf(LabApiError);
    await expect(refusal).rejects.toMatchObject({ code: 'invalid_body', message: /wsFragmentBytes/ });
    await expect(getLab(options('not a valid id'))).rejects.toMatchObject({ code: 'invalid_client' });
  });

  it('kills nothing when nothing is open, and says so', async () => {
    expect(await killConnections(options('api-c'), { mode: 'clean', code: 1012 })).toEqual({ killed: 0 });
  });

  it('says when the server cannot be reached or answers with something else', async () => {
    await expect(getLab({ clientId: 'x', baseUrl: 'http://127.0.0.1:1' })).rejects.toMatchObject({
      code: 'network',
    });
    const html = async () =>
      new Response('<h1>502 Bad Gateway</h1>', { status: 502, statusText: 'Bad Gateway' });
    await expect(getLab({ clientId: 'x', baseUrl: server.url, fetchImpl: html })).rejects.toMatchObject({
      code: 'http_502',
      message: 'HTTP 502 Bad Gateway',
    });
  });
});
