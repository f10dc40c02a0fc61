// A diagnostic loader: TypeScript stripped by esbuild WITHOUT `keepNames`. tsx (how `npm start` runs the
// server) compiles with keepNames, wrapping every named closure in `__name(fn, "fn")`; that
// defineProperty gives the function a dictionary of properties, about 256 bytes more per closure.
// A server started with this loader shows what our per-connection closures cost without that wrapper.
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
