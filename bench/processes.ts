/**
 * Server children: ours (serve-ours.ts) or a reference (references/*.ts), each in its own process with
 * the file-descriptor limit raised and, when `taskset` works, pinned to core 0 (the generator runs on
 * core 1). Every child is killed when this process exits, however it exits.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { FromServer, type Probe, type ToServer } from './control.ts';
import type { OursOptions } from './serve-ours.ts';

export type ServerKind = 'ours' | 'ref-ws' | 'ref-sse' | 'ref-lp' | 'floor-hono-ws';

const SCRIPTS: Record<ServerKind, string> = {
  ours: 'serve-ours.ts',
  'ref-ws': 'references/ws-broadcast.ts',
  'ref-sse': 'references/sse-raw.ts',
  'ref-lp': 'references/long-poll.ts',
  'floor-hono-ws': 'references/hono-ws.ts',
};

/**
 * How the child runs TypeScript: `plain` (esbuild without keepNames, see plain-ts/hooks.mjs), which costs
 * what the tsc build `npm start` runs costs, or `tsx`, as `npm run dev` does, whose `__name` wrappers
 * cost memory per closure.
 */
export type TypeScriptLoader = 'tsx' | 'plain';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SERVER_CORE = 0;
export const GENERATOR_CORE = 1;

const START_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 5_000;

/** Extra node flags for server children, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const EXTRA_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');

let tasksetWorks: boolean | null = null;

/** Whether `taskset` can pin a process here (it can fail in containers without the capability). */
export function canPin(): boolean {
  if (tasksetWorks === null) {
    try {
      execFileSync('taskset', ['-c', String(SERVER_CORE), 'true'], { stdio: 'ignore' });
      tasksetWorks = true;
    } catch {
      tasksetWorks = false;
    }
  }
  return tasksetWorks;
}

/** `bash -c` prefix that raises the fd limit to the hard limit and pins to `core` when possible. */
export function launchCommand(core: number): string {
  const pin = canPin() ? `taskset -c ${core} ` : '';
  return `ulimit -n "$(ulimit -Hn)"; exec ${pin}"$0" "$@"`;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class ServerChild {
  readonly #child: ChildProcess;
  readonly #inbox: FromServer[] = [];
  #wake: (() => void) | null = null;
  #nextProbeId = 1;
  readonly #exited: Promise<void>;
  port = 0;

  private constructor(
    readonly kind: ServerKind,
    options: OursOptions | undefined,
    loader: TypeScriptLoader,
  ) {
    const script = fileURLToPath(new URL(SCRIPTS[kind], import.meta.url));
    const register =
      loader === 'tsx' ? 'tsx' : fileURLToPath(new URL('plain-ts/register.mjs', import.meta.url));
    const nodeArgs = [
      '--expose-gc',
      ...EXTRA_NODE_ARGS,
      '--import',
      register,
      script,
      JSON.stringify(options ?? {}),
    ];
    this.#child = spawn('bash', ['-c', launchCommand(SERVER_CORE), process.execPath, ...nodeArgs], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    live.add(this.#child);
    this.#child.on('message', (raw: unknown) => {
      this.#inbox.push(FromServer.parse(raw));
      this.#wake?.();
    });
    this.#exited = once(this.#child, 'exit').then(() => {
      live.delete(this.#child);
      this.#wake?.();
    });
  }

  static async start(
    kind: ServerKind,
    options?: OursOptions,
    // References and ours alike run as compiled code does, so no side pays for tsx's wrappers.
    loader: TypeScriptLoader = 'plain',
  ): Promise<ServerChild> {
    const child = new ServerChild(kind, options, loader);
    try {
      const ready = await child.#next((message) => message.type === 'ready', START_TIMEOUT_MS);
      if (ready.type === 'ready') child.port = ready.port;
      return child;
    } catch (error) {
      child.kill();
      throw error;
    }
  }

  get origin(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Memory (after GC when asked), CPU time so far and open subscribers of the server process. */
  async probe(gc = false): Promise<Probe> {
    const id = this.#nextProbeId++;
    this.#send({ type: 'probe', id, gc });
    const answer = await this.#next(
      (message) => message.type === 'probe' && message.id === id,
      PROBE_TIMEOUT_MS,
    );
    if (answer.type !== 'probe') throw new Error('unreachable: probe answer expected');
    return answer.probe;
  }

  /** Writes a heap snapshot of the server (after GC) to `path`. */
  async heapSnapshot(path: string): Promise<void> {
    const id = this.#nextProbeId++;
    this.#send({ type: 'snapshot', id, path });
    await this.#next((message) => message.type === 'probe' && message.id === id, PROBE_TIMEOUT_MS);
  }

  /** Waits until the server holds at least `count` subscribers (polling its probe). */
  async waitForSubscribers(count: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const { subscribers } = await this.probe();
      if (subscribers >= count) return;
      if (performance.now() > deadline) {
        throw new Error(`${this.kind}: ${subscribers} of ${count} subscribers after ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Asks the child to exit cleanly (so profilers write their files), then kills it. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null && this.#child.connected) {
      this.#send({ type: 'exit' });
      const timer = setTimeout(() => this.kill(), EXIT_TIMEOUT_MS);
      await this.#exited;
      clearTimeout(timer);
    }
    this.kill();
  }

  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
  }

  #send(message: ToServer): void {
    if (!this.#child.connected) throw new Error(`${this.kind} server process is gone`);
    this.#child.send(message);
  }

  async #next(match: (message: FromServer) => boolean, timeoutMs: number): Promise<FromServer> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const at = this.#inbox.findIndex(match);
      if (at >= 0) {
        const [found] = this.#inbox.splice(at, 1);
        if (found) return found;
      }
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
        throw new Error(`${this.kind} server process exited (code ${this.#child.exitCode})`);
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`${this.kind} server process did not answer within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          this.#wake = null;
          resolve();
        };
      });
    }
  }
}
