// `node --import ./bench/plain-ts/register.mjs server.ts` runs TypeScript through hooks.mjs instead of tsx.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
