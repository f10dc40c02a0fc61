import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const apiTarget = `http://127.0.0.1:${process.env.API_PORT ?? '8080'}`;

/**
 * `vite build --mode profiling` (`npm run bench:page -- --profile`): the production build, unminified, in
 * dist/profiling, so a CPU profile of the page names the functions it found. The normal build is untouched.
 */
const PROFILING_MODE = 'profiling';

export default defineConfig(({ mode }) => {
  const profiling = mode === PROFILING_MODE;
  return {
    root: 'client',
    publicDir: '../public',
    plugins: [react()],
    build: profiling
      ? // Not minified, so a CPU profile of the page names the functions it found (`bench:page --profile`).
        { outDir: '../dist/profiling', emptyOutDir: true, minify: false }
      : { outDir: '../dist/client', emptyOutDir: true },
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
  };
});
