/**
 * The real server and Chromium for the tools that drive the built page (scripts/screenshots.ts,
 * bench/page-frames.ts): `node --import tsx server/main.ts` on a free port, stopped however the tool ends,
 * and the Chromium launch options the Playwright specs use.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { LaunchOptions } from '@playwright/test';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const SERVER_START_TIMEOUT_MS = 30_000;
const SERVER_EXIT_TIMEOUT_MS = 5_000;

/** As in playwright.config.ts: Debian's Chromium unless CHROMIUM_PATH names another. */
export const CHROMIUM_LAUNCH: LaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/** Runs a command in the project root to completion, output inherited; rejects on a non-zero exit. */
export async function runCommand(command: string, args: readonly string[]): Promise<void> {
  const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: 'inherit' });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}`);
}

/** `vite build` with extra arguments (e.g. `--mode profiling`), with the project's vite.config.ts. */
export function viteBuild(...args: string[]): Promise<void> {
  return runCommand(process.execPath, ['node_modules/vite/bin/vite.js', 'build', ...args]);
}

export interface RunningServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** SIGTERM, then SIGKILL after a grace period; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the server with these environment variables added (PORT=0: the kernel picks a free port, read
 * back from the server's "listening on" line). A SIGKILL on process exit backs up `stop()`, so the server
 * never outlives the tool, even when it throws or is interrupted.
 */
export async function startRealServer(env: Readonly<Record<string, string>>): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), SERVER_EXIT_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killOnExit);
    })();
    return stopped;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () => reject(new Error(`the server did not start within ${SERVER_START_TIMEOUT_MS} ms:\n${output}`)),
        SERVER_START_TIMEOUT_MS,
      );
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        output += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code ?? signal}) before listening:\n${output}`));
      });
    });
    // Keep draining its output, so a chatty server never blocks on a full pipe.
    child.stdout?.removeAllListeners('data');
    child.stdout?.resume();
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Ctrl-C or SIGTERM ends the tool; the 'exit' handlers above then kill the server it started. */
export function exitOnSignals(): void {
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`${signal}: stopping`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
