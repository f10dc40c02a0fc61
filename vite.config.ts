import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const apiTarget = `http://127.0.0.1:${process.env.API_PORT ?? '8080'}`;

export default defineConfig({
  root: 'client',
  publicDir: '../public',
  plugins: [react()],
  build: { outDir: '../dist/client', emptyOutDir: true },
  server: {
    proxy: {
      // ws: true forwards the WebSocket upgrade too, so /api/rooms/:room/ws works under `npm run dev`.
      '/api': { target: apiTarget, ws: true },
    },
  },
  test: {
    // Vite's root is client/; tests live beside code everywhere, so vitest looks from the project root.
    root: '.',
    include: ['{protocol,server,client,bench,scripts}/**/*.test.{ts,tsx}'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
});
