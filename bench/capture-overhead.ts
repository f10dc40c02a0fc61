/**
 * What the wire capture costs a WebSocket chat. One run measures three configurations, each in a fresh
 * server process, in alternating order (A B C A B C ...):
 *
 *   A  capture off: no inspector open, so accepted sockets are not tapped at all
 *   B  capture on for the senders: an inspector per sending client, opened before it connects
 *   C  CAPTURE_ALL: every connection tapped and decoded, every client's ring kept, nobody streaming
 *
 * Load: N WebSocket clients in one room, each sending as fast as its acks allow (one send in flight);
 * throughput is deliveries per second counted at the receivers. The server process also reports its
 * event-loop delay (monitorEventLoopDelay) and heapUsed after a forced GC before and after the load.
 *
 *   npm run bench:capture               full run (about a minute)
 *   npm run bench:capture -- --quick    a few seconds: only checks that it runs
 *   options: --rounds N  --seconds S  --clients N
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { cpus, totalmem } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { DEFAULT_CONFIG } from '../server/config.ts';
import { startServer } from '../server/server.ts';

const CONFIGS = ['A', 'B', 'C'] as const;
type ConfigName = (typeof CONFIGS)[number];
const DESCRIBE: Record<ConfigName, string> = {
  A: 'capture off (no inspector; sockets untapped)',
  B: 'capture on for the senders (an inspector per client)',
  C: 'CAPTURE_ALL (every client captured, no inspector)',
};

const CHILD_START_TIMEOUT_MS = 30_000;
const CHILD_EXIT_TIMEOUT_MS = 10_000;
const ACK_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000;
/** Event-loop delay sampling resolution in the server process. */
const ELD_RESOLUTION_MS = 1;

// ---- Server side (child process) ----------------------------------------------------------------------

const ToChild = z.discriminatedUnion('type', [
  z.object({ type: z.literal('measure-start') }),
  z.object({ type: z.literal('measure-end') }),
  z.object({ type: z.literal('exit') }),
]);
type ToChild = z.infer<typeof ToChild>;

const ServerStats = z.object({
  isCapturing: z.boolean(),
  /** At start, before any client connected. */
  heapIdleBytes: z.number(),
  /** At the end of the measured window, with every ring as full as the run made it. */
  heapAfterBytes: z.number(),
  eldP50Ms: z.number(),
  eldP99Ms: z.number(),
  eldMaxMs: z.number(),
  gcExposed: z.boolean(),
});
type ServerStats = z.infer<typeof ServerStats>;

const FromChild = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), port: z.number(), isCapturing: z.boolean() }),
  z.object({ type: z.literal('started') }),
  z.object({ type: z.literal('stats'), stats: ServerStats }),
]);
type FromChild = z.infer<typeof FromChild>;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return process.memoryUsage().heapUsed;
}

async function serve(config: ConfigName): Promise<void> {
  const send = (message: FromChild) => process.send?.(message);
  const server = await startServer({
    ...DEFAULT_CONFIG,
    port: 0,
    staticDir: null,
    captureAll: config === 'C',
    sendRatePerSecond: 1_000_000,
    sendBurst: 1_000_000,
    // No pings during a run: the load is chat only, the same in every configuration.
    wsPingIntervalMs: 3_600_000,
    shutdownGraceMs: 2_000,
  });
  const histogram = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  const heapIdleBytes = heapAfterGc();
  process.on('message', (raw: unknown) => {
    const message: ToChild = ToChild.parse(raw);
    switch (message.type) {
      case 'measure-start':
        histogram.reset();
        histogram.enable();
        send({ type: 'started' });
        return;
      case 'measure-end': {
        histogram.disable();
        const ms = (ns: number) => ns / 1e6;
        send({
          type: 'stats',
          stats: {
            isCapturing: server.recorder.isCapturing,
            heapIdleBytes,
            heapAfterBytes: heapAfterGc(),
            eldP50Ms: ms(histogram.percentile(50)),
            eldP99Ms: ms(histogram.percentile(99)),
            eldMaxMs: ms(histogram.max),
            gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
          },
        });
        return;
      }
      case 'exit':
        void server.shutdown().then(() => process.exit(0));
        return;
    }
  });
  send({ type: 'ready', port: server.port, isCapturing: server.recorder.isCapturing });
}

// ---- Load generator (parent process) ----------------------------------------------------------------

interface Options {
  quick: boolean;
  rounds: number;
  warmupMs: number;
  measureMs: number;
  clients: number;
}

function parseOptions(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const number = (flag: string, fallback: number) => {
    const at = argv.indexOf(flag);
    if (at < 0) return fallback;
    const value = Number(argv[at + 1]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} needs a positive number`);
    return value;
  };
  return {
    quick,
    rounds: number('--rounds', quick ? 1 : 3),
    warmupMs: quick ? 300 : 1_500,
    measureMs: number('--seconds', quick ? 0.7 : 4) * 1_000,
    clients: number('--clients', quick ? 4 : 16),
  };
}

class ServerProcess {
  readonly #child: ChildProcess;
  readonly #inbox: FromChild[] = [];
  readonly #waiters: Array<() => void> = [];
  readonly exited: Promise<void>;

  constructor(config: ConfigName) {
    this.#child = fork(fileURLToPath(import.meta.url), ['--serve', config], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (raw: unknown) => {
      this.#inbox.push(FromChild.parse(raw));
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.exited = once(this.#child, 'exit').then(() => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  async next<T extends FromChild['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<FromChild, { type: T }>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const at = this.#inbox.findIndex((message) => message.type === type);
      if (at >= 0) return this.#inbox.splice(at, 1)[0] as Extract<FromChild, { type: T }>;
      if (this.#child.exitCode !== null) throw new Error(`server process exited before "${type}"`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`server process sent no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(message: ToChild): void {
    this.#child.send(message);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    if (this.#child.connected) this.send({ type: 'exit' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), CHILD_EXIT_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

function openSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no connection to ${url} within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    socket.once('open', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return;
  const closed = once(socket, 'close');
  socket.close(1000, 'bench done');
  const timer = setTimeout(() => socket.terminate(), 2_000);
  await closed;
  clearTimeout(timer);
}

/** A chat client that counts deliveries without parsing them (the load generator must stay cheap). */
class LoadClient {
  deliveries = 0;
  #pending: { resolve: () => void; reject: (error: Error) => void } | null = null;
  #sent = 0;

  private constructor(
    readonly id: string,
    readonly socket: WebSocket,
  ) {
    socket.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('{"type":"message"')) {
        this.deliveries += 1;
        return;
      }
      const pending = this.#pending;
      if (text.startsWith('{"type":"ack"')) {
        this.#pending = null;
        pending?.resolve();
      } else if (text.startsWith('{"type":"error"')) {
        this.#pending = null;
        pending?.reject(new Error(`${this.id}: the server refused a send: ${text}`));
      }
    });
  }

  static async connect(baseUrl: string, room: string, id: string): Promise<LoadClient> {
    const socket = await openSocket(`${baseUrl}/api/rooms/${room}/ws?client=${id}&name=${id}`);
    return new LoadClient(id, socket);
  }

  /** Sends one message and resolves on its ack. */
  send(): Promise<void> {
    this.#sent += 1;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.id}: no ack in ${ACK_TIMEOUT_MS} ms`)),
        ACK_TIMEOUT_MS,
      );
      this.#pending = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.socket.send(
        JSON.stringify({ type: 'send', id: `${this.id}-${this.#sent}`, text: `hello #${this.#sent}` }),
      );
    });
  }
}

/** An inspector that only counts what it is sent; it reconnects when cut as a slow reader, like the page. */
class CountingInspector {
  events = 0;
  bytes = 0;
  cuts = 0;
  #socket: WebSocket | null = null;
  #closing = false;

  constructor(
    readonly url: string,
    readonly client: string,
  ) {}

  async open(): Promise<void> {
    const socket = await openSocket(`${this.url}/api/inspect?client=${this.client}`);
    this.#socket = socket;
    socket.on('message', (data: Buffer) => {
      this.events += 1;
      this.bytes += data.length;
    });
    socket.once('close', (code) => {
      if (this.#closing) return;
      this.cuts += code === 4001 ? 1 : 0;
      void this.open().catch((error: unknown) => console.error(`inspector ${this.client} reconnect`, error));
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#socket) await closeSocket(this.#socket);
  }
}

interface Trial {
  config: ConfigName;
  round: number;
  deliveriesPerSecond: number;
  messagesPerSecond: number;
  server: ServerStats;
  inspectorEvents: number;
  inspectorMiB: number;
  inspectorCuts: number;
}

async function runTrial(config: ConfigName, round: number, options: Options): Promise<Trial> {
  const server = new ServerProcess(config);
  const clients: LoadClient[] = [];
  const inspectors: CountingInspector[] = [];
  try {
    const ready = await server.next('ready', CHILD_START_TIMEOUT_MS);
    const baseUrl = `ws://127.0.0.1:${ready.port}`;
    const ids = Array.from({ length: options.clients }, (_, index) => `bench-${config}-${round}-${index}`);
    if (config === 'B') {
      for (const id of ids) {
        const inspector = new CountingInspector(baseUrl, id);
        await inspector.open();
        inspectors.push(inspector);
      }
    }
    for (const id of ids) clients.push(await LoadClient.connect(baseUrl, 'bench', id));

    let running = true;
    const loops = clients.map(async (client) => {
      while (running) await client.send();
    });
    const delivered = () => clients.reduce((total, client) => total + client.deliveries, 0);
    let failure: unknown = null;
    const watched = Promise.all(loops).catch((error: unknown) => {
      failure = error;
      running = false;
    });

    await new Promise((resolve) => setTimeout(resolve, options.warmupMs));
    server.send({ type: 'measure-start' });
    await server.next('started', CHILD_START_TIMEOUT_MS);
    const startDeliveries = delivered();
    const startMs = performance.now();
    const startInspectorEvents = inspectors.reduce((total, inspector) => total + inspector.events, 0);
    await new Promise((resolve) => setTimeout(resolve, options.measureMs));
    const seconds = (performance.now() - startMs) / 1_000;
    const deliveries = delivered() - startDeliveries;
    server.send({ type: 'measure-end' });
    const { stats } = await server.next('stats', CHILD_START_TIMEOUT_MS);
    running = false;
    await watched;
    if (failure) throw failure;

    const expectCapturing = config !== 'A';
    if (stats.isCapturing !== expectCapturing)
      throw new Error(`config ${config}: the recorder says isCapturing=${stats.isCapturing}`);
    const inspectorEvents = inspectors.reduce((total, inspector) => total + inspector.events, 0);
    if (config === 'B' && inspectorEvents - startInspectorEvents === 0)
      throw new Error('config B: the inspectors received no wire events during the run');
    return {
      config,
      round,
      deliveriesPerSecond: deliveries / seconds,
      // Every message reaches every client in the room, the sender included.
      messagesPerSecond: deliveries / options.clients / seconds,
      server: stats,
      inspectorEvents: inspectorEvents - startInspectorEvents,
      inspectorMiB: inspectors.reduce((total, inspector) => total + inspector.bytes, 0) / 2 ** 20,
      inspectorCuts: inspectors.reduce((total, inspector) => total + inspector.cuts, 0),
    };
  } finally {
    await Promise.all(inspectors.map((inspector) => inspector.close()));
    await Promise.all(clients.map((client) => closeSocket(client.socket)));
    await server.stop();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

const fixed = (value: number, digits = 0) => value.toFixed(digits);
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const pad = (text: string, width: number) => text.padStart(width);

function report(trials: readonly Trial[], options: Options): void {
  const of = (config: ConfigName) => trials.filter((trial) => trial.config === config);
  console.log('\nper trial (in run order):');
  console.log(
    '  round cfg  deliveries/s  msgs/s  eld p99 ms  eld max ms  heap idle->end MiB  inspector events',
  );
  for (const trial of trials) {
    console.log(
      `  ${pad(String(trial.round), 5)} ${pad(trial.config, 3)}  ${pad(fixed(trial.deliveriesPerSecond), 12)}  ${pad(fixed(trial.messagesPerSecond), 7)}  ${pad(fixed(trial.server.eldP99Ms, 1), 10)}  ${pad(fixed(trial.server.eldMaxMs, 1), 10)}  ${pad(`${mib(trial.server.heapIdleBytes)} -> ${mib(trial.server.heapAfterBytes)}`, 22)}  ${pad(trial.config === 'B' ? `${trial.inspectorEvents} (${trial.inspectorCuts} cuts)` : '-', 16)}`,
    );
  }
  console.log(`\nmedians over ${options.rounds} round(s):`);
  console.log(
    '  config                                                   deliveries/s  (min..max)          eld p99 ms  eld max ms  heap after GC MiB (idle -> end)',
  );
  for (const config of CONFIGS) {
    const runs = of(config);
    const rates = runs.map((trial) => trial.deliveriesPerSecond);
    console.log(
      `  ${config} ${DESCRIBE[config].padEnd(54)} ${pad(fixed(median(rates)), 12)}  (${fixed(Math.min(...rates))}..${fixed(Math.max(...rates))})`.padEnd(
        98,
      ) +
        `${pad(fixed(median(runs.map((trial) => trial.server.eldP99Ms)), 1), 10)}  ${pad(fixed(median(runs.map((trial) => trial.server.eldMaxMs)), 1), 10)}  ${mib(median(runs.map((trial) => trial.server.heapIdleBytes)))} -> ${mib(median(runs.map((trial) => trial.server.heapAfterBytes)))}`,
    );
  }
  console.log('\nratios (median of B or C / median of A; spread = per-round ratio min..max):');
  for (const config of ['B', 'C'] as const) {
    const perRound = of(config).map((trial) => {
      const baseline = of('A').find((candidate) => candidate.round === trial.round);
      return trial.deliveriesPerSecond / (baseline?.deliveriesPerSecond ?? Number.NaN);
    });
    const ratio =
      median(of(config).map((t) => t.deliveriesPerSecond)) /
      median(of('A').map((t) => t.deliveriesPerSecond));
    console.log(
      `  ${config}/A throughput ${fixed(ratio, 3)}  (per round ${perRound.map((value) => fixed(value, 3)).join(', ')}; spread ${fixed(Math.min(...perRound), 3)}..${fixed(Math.max(...perRound), 3)})`,
    );
  }
  const aRates = of('A').map((trial) => trial.deliveriesPerSecond);
  console.log(
    `  A run-to-run spread (max/min of A itself): ${fixed(Math.max(...aRates) / Math.min(...aRates), 3)}: a difference smaller than this is noise`,
  );
  if (!trials.every((trial) => trial.server.gcExposed))
    console.log('  note: gc was not exposed in the server process, heap figures include garbage');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cpuList = cpus();
  console.log('capture overhead: WebSocket chat throughput with the wire capture off and on');
  console.log(
    `machine: ${cpuList.length} logical CPU(s) (${cpuList[0]?.model.trim() ?? 'unknown'}), ${mib(totalmem())} MiB RAM, node ${process.version}`,
  );
  console.log(
    `HONEST SETUP NOTE: the server (a child process) and the load generator with the ${options.clients} chat clients and` +
      ` the inspectors (this process) share these ${cpuList.length} CPU(s); absolute rates are this machine's, only the ratios travel.`,
  );
  console.log(
    `load: ${options.clients} WebSocket clients in one room, each sending as fast as its acks allow (one in flight);` +
      ` deliveries counted at the receivers; ${options.warmupMs} ms warm-up, ${options.measureMs} ms measured; fresh server process per trial;` +
      ` order ${CONFIGS.join(' ')} x ${options.rounds}${options.quick ? ' (--quick: a smoke run, the numbers mean nothing)' : ''}`,
  );
  for (const config of CONFIGS) console.log(`  ${config}: ${DESCRIBE[config]}`);
  const trials: Trial[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const config of CONFIGS) {
      const trial = await runTrial(config, round, options);
      trials.push(trial);
      process.stdout.write(`  round ${round} ${config}: ${fixed(trial.deliveriesPerSecond)} deliveries/s\n`);
    }
  }
  report(trials, options);
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) {
  const config = process.argv[serveAt + 1];
  if (config !== 'A' && config !== 'B' && config !== 'C')
    throw new Error(`--serve needs A, B or C, got ${config}`);
  await serve(config);
} else {
  await main();
}
