// TypeScript stripped by esbuild WITHOUT `keepNames`, like the tsc build `npm start` runs. tsx (how
// `npm run dev` runs the server) compiles with keepNames, wrapping every named closure in
// `__name(fn, "fn")`; that defineProperty gives the function a dictionary of properties, about 256 bytes
// more per closure. The benchmarks run our server with this loader, so they measure what users run.
import { readFile } from 'node:fs/promises';
import { transform } from 'esbuild';

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const { code } = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    keepNames: false,
  });
  return { format: 'module', source: code, shortCircuit: true };
}
