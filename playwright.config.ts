import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 8181);
const baseURL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  // Two cores: each test already drives two or three browser contexts.
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  // Naive polling delivers up to one interval (2 s) late; leave room for that and a busy machine.
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    baseURL,
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    // The compiled server, as `npm start` runs it, serving the page from dist/client: `npm run test:e2e`
    // builds both first.
    command: 'node dist/server/server/main.js',
    url: `${baseURL}/api/health`,
    // A short WebSocket heartbeat, so the diagram spec sees a ping and its pong within a test.
    env: { PORT: String(PORT), HOST: '127.0.0.1', WS_PING_INTERVAL_MS: '2000' },
    // Never reuse: a stale server from an older checkout on this port fails specs in confusing ways.
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
