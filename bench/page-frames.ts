/**
 * `npm run bench:page [-- --quick] [--profile [--trace=FILE]] [--screenshot=FILE]`: does the page keep its frame rate while ~300 wire events a second
 * stream in? It serves the production build with the real server, counts React commits through a stub of
 * React DevTools' global hook (react-dom reports every commit to it, in production builds too; the
 * profiling build this used before also timed every component render, work no learner's page does),
 * joins a page over
 * WebSocket, and measures the same page idle and then while a `ws` client in the same room publishes
 * ~300 messages a second: frames (requestAnimationFrame), long tasks (PerformanceObserver 'longtask') and
 * React commits. It also compares the production bundle's gzip size with a hello page of the same
 * libraries (bench/hello-page), built by the same Vite. The server and the browser are stopped however it ends.
 *
 * Nothing automates the page while a window is measured (unless --profile): Playwright attaches for the join
 * and between windows, then lets go. Attached, it turns on DevTools' Network domain, and every WebSocket
 * frame the page receives (300 chat messages and 300 wire events a second) is copied to the browser
 * process, serialized and parsed again here: 30-40% of a core on this 2-core machine, taken from the page
 * being measured, for work a learner's browser never does.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from '@playwright/test';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { WebSocket } from 'ws';
import { z } from 'zod';
import {
  CHROMIUM_LAUNCH,
  exitOnSignals,
  PROJECT_ROOT,
  type RunningServer,
  startRealServer,
  viteBuild,
} from '../scripts/real-server.ts';

const QUICK = process.argv.includes('--quick');
/** `--pin`: Chromium on core 1, this process (the publisher) and the server on core 0 (see pinCores). */
const PIN = process.argv.includes('--pin');
/** Also record a CPU profile of the page (CDP Profiler) during the loaded window and print its hot spots. */
const PROFILE = process.argv.includes('--profile');
/** `--screenshot=FILE`: a PNG of the page at the end of the loaded window, while the load still runs. */
const SCREENSHOT_PATH = process.argv
  .find((arg) => arg.startsWith('--screenshot='))
  ?.slice('--screenshot='.length);
/** `--trace=FILE` (with --profile): also write the Chromium trace of the loaded window, for chrome://tracing. */
const TRACE_PATH = process.argv.find((arg) => arg.startsWith('--trace='))?.slice('--trace='.length);
/**
 * `--width=N`: the viewport's width in CSS pixels (default 1280). Below 960 the page is one column that
 * scrolls as a whole; headless Chromium makes no window narrower than 500 px, so that is the narrowest.
 */
const VIEWPORT_WIDTH = Number(
  process.argv.find((arg) => arg.startsWith('--width='))?.slice('--width='.length) ?? 1280,
);
if (!Number.isInteger(VIEWPORT_WIDTH) || VIEWPORT_WIDTH < 500)
  throw new Error("--width must be a whole number of CSS pixels, 500 or more (Chromium's narrowest window)");
/** Rows of each hot-spot list. */
const PROFILE_TOP = 25;
/** Length of each measured window (idle, then loaded). */
const WINDOW_MS = QUICK ? 2_000 : 10_000;
/** Messages a second the `ws` user publishes; `--rate=N` to try another. */
const PUBLISH_RATE_PER_SECOND = Number(
  process.argv.find((arg) => arg.startsWith('--rate='))?.slice('--rate='.length) ?? 300,
);
if (!Number.isInteger(PUBLISH_RATE_PER_SECOND) || PUBLISH_RATE_PER_SECOND <= 0)
  throw new Error('--rate must be a whole number of messages per second');
/** Publishing starts this long before the loaded window, so the window sees the steady state. */
const WARM_UP_MS = 1_000;
/** How often the publisher wakes up; it sends whatever the target rate owes at each wake-up. */
const PUBLISH_TICK_MS = 10;
/** A long task, as the Long Tasks API defines it. */
const LONG_TASK_MS = 50;
const JOIN_TIMEOUT_MS = 15_000;
const ROOM = `bench-frames-${Date.now().toString(36)}`;

// ---- the page under measurement --------------------------------------------------------------------

const PageWindow = z.object({
  elapsedMs: z.number(),
  /** Date.now() when the script started in the page: a busy page starts it late. */
  startedAtMs: z.number(),
  frames: z.number(),
  frameIntervalsMs: z.array(z.number()),
  longTasksMs: z.array(z.number()),
  commits: z.number().nullable(),
  unitCountsBefore: z.record(z.string(), z.number()),
  unitCountsAfter: z.record(z.string(), z.number()),
});
type PageWindow = z.infer<typeof PageWindow>;

/**
 * Runs in the page for `durationMs`: counts animation frames and their intervals, collects long tasks,
 * and reads the React commit counter and the "Captured units by type" counts at both ends. A string, not
 * a function: tsx would wrap the inner functions of a serialized function in helpers the page lacks.
 */
function measureScript(durationMs: number): string {
  return `(async () => {
    const readUnitCounts = () => {
      const counts = {};
      for (const item of document.querySelectorAll('.unit-counts li[data-unit]')) {
        counts[item.getAttribute('data-unit')] = Number(item.querySelector('.unit-count')?.textContent ?? 0);
      }
      return counts;
    };
    const longTasksMs = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasksMs.push(entry.duration);
    });
    observer.observe({ type: 'longtask', buffered: false });
    const commitsBefore = window.__wirelabCommits;
    const unitCountsBefore = readUnitCounts();
    const frameIntervalsMs = [];
    let frames = 0;
    let previous = null;
    const startedAtMs = Date.now();
    const start = performance.now();
    await new Promise((resolve) => {
      const onFrame = (now) => {
        frames += 1;
        if (previous !== null) frameIntervalsMs.push(now - previous);
        previous = now;
        if (now - start >= ${durationMs}) resolve();
        else requestAnimationFrame(onFrame);
      };
      requestAnimationFrame(onFrame);
    });
    const elapsedMs = performance.now() - start;
    for (const entry of observer.takeRecords()) longTasksMs.push(entry.duration);
    observer.disconnect();
    const commitsAfter = window.__wirelabCommits;
    return {
      elapsedMs,
      startedAtMs,
      frames,
      frameIntervalsMs,
      longTasksMs,
      commits: typeof commitsBefore === 'number' && typeof commitsAfter === 'number' ? commitsAfter - commitsBefore : null,
      unitCountsBefore,
      unitCountsAfter: readUnitCounts(),
    };
  })()`;
}

/**
 * Before the page's scripts: the part of React DevTools' global hook react-dom calls, counting commits into
 * window.__wirelabCommits. react-dom injects itself into the hook when it loads (`supportsFiber`) and then
 * calls `onCommitFiberRoot` once per commit.
 */
const COUNT_COMMITS_SCRIPT = `
  window.__wirelabCommits = 0;
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    isDisabled: false,
    supportsFiber: true,
    inject() { return 1; },
    onCommitFiberRoot() { window.__wirelabCommits += 1; },
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    setStrictMode() {},
    checkDCE() {},
  };
`;

/** Where a window's result waits in the page while nothing is attached to it. */
const WINDOW_RESULT = '__wirelabWindow';
/** After a window, how long to wait beyond its length before attaching again to read it. */
const WINDOW_SLACK_MS = 500;
const CHROMIUM_START_TIMEOUT_MS = 30_000;
/** Attaching, or reading a finished window's result, takes longer than this only if something broke. */
const ATTACH_TIMEOUT_MS = 30_000;

/**
 * Chromium started by this process with a DevTools port (not through Playwright's pipe), so Playwright can
 * connect, drive the page, and disconnect again, leaving the page running with no client attached.
 */
class DetachableChromium {
  readonly #child: ChildProcess;
  readonly #profileDir: string;
  readonly endpoint: string;
  /** Rejects if Chromium exits before `stop`: a wait on the page then fails instead of hanging. */
  readonly #exited: Promise<never>;
  browser: Browser | null = null;

  private constructor(child: ChildProcess, profileDir: string, endpoint: string) {
    this.#child = child;
    this.#profileDir = profileDir;
    this.endpoint = endpoint;
    this.#exited = new Promise<never>((_resolve, reject) => {
      child.once('exit', (code, signal) => reject(new Error(`Chromium exited (${signal ?? code})`)));
    });
    this.#exited.catch(() => {});
  }

  /** `work`, unless Chromium exits first or it takes longer than `timeoutMs`. */
  async guard<T>(work: Promise<T>, what: string, timeoutMs = ATTACH_TIMEOUT_MS): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([work, this.#exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `pinnedExecutable`: a wrapper that runs Chromium on core 1 (--pin). */
  static async start(pinnedExecutable: string | null): Promise<DetachableChromium> {
    const profileDir = await mkdtemp(join(tmpdir(), 'wirelab-bench-chromium-'));
    const executable = pinnedExecutable ?? CHROMIUM_LAUNCH.executablePath ?? 'chromium';
    const child = spawn(
      executable,
      [
        ...(CHROMIUM_LAUNCH.args ?? []),
        '--headless=new',
        '--remote-debugging-port=0',
        `--user-data-dir=${profileDir}`,
        // A 1280 x 800 viewport by default: headless Chromium's window keeps 87 px of it for its own UI.
        `--window-size=${VIEWPORT_WIDTH},887`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const endpoint = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () => reject(new Error(`Chromium gave no DevTools endpoint in ${CHROMIUM_START_TIMEOUT_MS} ms`)),
        CHROMIUM_START_TIMEOUT_MS,
      );
      child.stderr?.on('data', (chunk: Buffer) => {
        output += String(chunk);
        const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Chromium exited (${code}) before it listened: ${output.slice(-500)}`));
      });
    });
    return new DetachableChromium(child, profileDir, endpoint);
  }

  /** Attaches Playwright; the page is the one this bench opened (the only one not about:blank). */
  async attach(): Promise<Page> {
    this.browser = await this.guard(
      chromium.connectOverCDP(this.endpoint, { timeout: ATTACH_TIMEOUT_MS }),
      'attaching to Chromium',
    );
    const context = this.browser.contexts()[0];
    if (!context) throw new Error('Chromium has no default context');
    const page = context.pages().find((candidate) => candidate.url() !== 'about:blank');
    return page ?? (await context.newPage());
  }

  /** Lets go of the page: it keeps running, with no DevTools client attached. */
  async detach(): Promise<void> {
    await this.browser?.close();
    this.browser = null;
  }

  async stop(): Promise<void> {
    await this.detach().catch(() => {});
    if (this.#child.exitCode === null) {
      const exited = once(this.#child, 'exit');
      this.#child.kill('SIGTERM');
      await exited;
    }
    await rm(this.#profileDir, { recursive: true, force: true });
  }
}

/**
 * One window, and how long the page took to start it (its main thread's backlog, in ms). Detached (the
 * default), the window runs with nothing attached and its result is read on attaching again; attached
 * (--profile), it is awaited in place. Returns the page to use next (attaching gives a new handle).
 */
async function measure(
  chrome: DetachableChromium,
  page: Page,
  durationMs: number,
  detached: boolean,
): Promise<{ window: PageWindow & { startLagMs: number }; page: Page }> {
  const calledAtMs = Date.now();
  let result: unknown;
  if (detached) {
    await page.evaluate(`window.${WINDOW_RESULT} = ${measureScript(durationMs)}; undefined`);
    await chrome.detach();
    await new Promise((resolve) => setTimeout(resolve, durationMs + WINDOW_SLACK_MS));
    page = await chrome.attach();
    result = await chrome.guard(page.evaluate(`window.${WINDOW_RESULT}`), 'reading the window');
  } else {
    result = await chrome.guard(
      page.evaluate(measureScript(durationMs)),
      'measuring the window',
      durationMs + ATTACH_TIMEOUT_MS,
    );
  }
  const measured = PageWindow.parse(result);
  return { window: { ...measured, startLagMs: measured.startedAtMs - calledAtMs }, page };
}

async function joinOverWebSocket(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('radio', { name: 'WebSocket', exact: true }).check();
  await page.getByLabel('Your name', { exact: true }).fill('viewer');
  await page.getByLabel('Room', { exact: true }).fill(ROOM);
  await page.getByRole('button', { name: 'Join' }).click();
  await page
    .getByRole('status', { name: 'Connection status' })
    .filter({ hasText: 'Connected via WebSocket.' })
    .waitFor({ timeout: JOIN_TIMEOUT_MS });
  await page.locator('.inspector-status[data-status="open"]').waitFor({ timeout: JOIN_TIMEOUT_MS });
  const commits = await page.evaluate('typeof window.__wirelabCommits');
  if (commits !== 'number')
    throw new Error('window.__wirelabCommits is missing: react-dom did not take the commit-counting hook');
}

const PageStatus = z.object({
  chat: z.string(),
  inspector: z.string(),
  chatRows: z.number(),
  diagramElements: z.number(),
  pageElements: z.number(),
  units: z.number(),
});

/** What the page says about its connections: a slow reader is cut by the server (close 4001). */
async function pageStatus(page: Page): Promise<z.infer<typeof PageStatus>> {
  return PageStatus.parse(
    await page.evaluate(`({
      chat: document.querySelector('[aria-label="Connection status"]')?.textContent ?? '?',
      inspector: (document.querySelector('.inspector-status')?.getAttribute('data-status') ?? '?') + ': ' +
        (document.querySelector('.inspector-status')?.textContent ?? '').slice(0, 80),
      chatRows: document.querySelectorAll('.chat-log li').length,
      diagramElements: document.querySelectorAll('svg[data-diagram="sequence"] *').length,
      pageElements: document.querySelectorAll('*').length,
      units: [...document.querySelectorAll('.unit-counts .unit-count')].reduce((sum, item) => sum + Number(item.textContent), 0),
    })`),
  );
}

// ---- the publisher ---------------------------------------------------------------------------------

interface Publisher {
  /** Messages sent and acknowledged since start. */
  counts(): { sent: number; acked: number; errors: number };
  close(): Promise<void>;
}

/** Another user in the room, over a plain `ws` client, sending at `ratePerSecond` until closed. */
async function startPublisher(serverUrl: string, ratePerSecond: number): Promise<Publisher> {
  const wsUrl = `${serverUrl.replace(/^http/, 'ws')}/api/rooms/${ROOM}/ws?client=bench-publisher&name=publisher`;
  const socket = new WebSocket(wsUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let sent = 0;
  let acked = 0;
  let errors = 0;
  // It hears every message of the room too: telling frames apart by their start keeps it cheap beside the
  // page it loads (the server writes `{"type":` first).
  socket.on('message', (data: Buffer) => {
    if (data.includes('{"type":"ack"', 0)) acked += 1;
    else if (data.includes('{"type":"error"', 0)) errors += 1;
  });
  const startMs = performance.now();
  const timer = setInterval(() => {
    const owed = Math.floor(((performance.now() - startMs) / 1000) * ratePerSecond) - sent;
    for (let index = 0; index < owed; index += 1) {
      sent += 1;
      socket.send(
        JSON.stringify({
          type: 'send',
          id: `load-${sent}`,
          text: `load message ${sent}`,
          sentAtMs: Date.now(),
        }),
      );
    }
  }, PUBLISH_TICK_MS);
  let closed: Promise<void> | null = null;
  return {
    counts: () => ({ sent, acked, errors }),
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
          const done = new Promise<void>((resolve) => socket.once('close', () => resolve()));
          socket.close(1000);
          await done;
        }
      })();
      return closed;
    },
  };
}

// ---- cores ------------------------------------------------------------------------------------------

/**
 * A diagnostic, not the default: on 2 cores the page, the server and the publisher share the CPU, and the
 * same build's frame rate ranged from 0.36x to 0.98x idle. `--pin` puts this process (the publisher) and
 * the server it starts on core 0 and Chromium (all its processes) on core 1, which shows what one core
 * gives the page: at 300 events a second, 7.9 fps (2026-11-29). Returns the Chromium executable to
 * launch, or null when pinning is off or taskset is missing.
 */
async function pinCores(): Promise<string | null> {
  if (!PIN) return null;
  try {
    execFileSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    console.log('taskset is not available: nothing pinned');
    return null;
  }
  const chromiumPath = CHROMIUM_LAUNCH.executablePath ?? 'chromium';
  const wrapper = join(tmpdir(), `wirelab-chromium-core1-${process.pid}.sh`);
  await writeFile(wrapper, `#!/bin/sh\nexec taskset -c 1 '${chromiumPath.replaceAll("'", "'\\''")}' "$@"\n`);
  await chmod(wrapper, 0o755);
  return wrapper;
}

// ---- bundle sizes ----------------------------------------------------------------------------------

/** Sum of gzip sizes (level 9) of each .js file in `dir`, in bytes. */
async function gzipBytesOfScripts(dir: string): Promise<number> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.js'));
  if (names.length === 0) throw new Error(`no .js files in ${dir}`);
  let total = 0;
  for (const name of names) total += gzipSync(await readFile(join(dir, name)), { level: 9 }).byteLength;
  return total;
}

/**
 * Gzip size of the scripts a first load fetches before the page runs: index.html's module script and its
 * modulepreload links. The lazy views' chunks (fetched when opened, or once the page is idle) are not in it.
 */
async function gzipBytesOfFirstLoad(outDir: string): Promise<number> {
  const html = await readFile(join(outDir, 'index.html'), 'utf8');
  const paths = [
    ...html.matchAll(/<script type="module"[^>]*\ssrc="\/([^"]+\.js)"/g),
    ...html.matchAll(/<link rel="modulepreload"[^>]*\shref="\/([^"]+\.js)"/g),
  ].map((match) => match[1] as string);
  if (paths.length === 0) throw new Error(`no module script in ${outDir}/index.html`);
  let total = 0;
  for (const path of paths) total += gzipSync(await readFile(join(outDir, path)), { level: 9 }).byteLength;
  return total;
}

/** Builds bench/hello-page with the same Vite (and React plugin) into a temporary directory. */
async function buildHelloPage(): Promise<{ outDir: string; gzipBytes: number; firstLoadGzipBytes: number }> {
  const outDir = join(tmpdir(), `wirelab-hello-${process.pid}`);
  await build({
    configFile: false,
    root: join(PROJECT_ROOT, 'bench/hello-page'),
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return {
    outDir,
    gzipBytes: await gzipBytesOfScripts(join(outDir, 'assets')),
    firstLoadGzipBytes: await gzipBytesOfFirstLoad(outDir),
  };
}

// ---- where the page's time goes (--profile) --------------------------------------------------------

interface HotSpot {
  key: string;
  selfMs: number;
  totalMs: number;
}

/**
 * Starts the V8 sampling profiler in the page over CDP; stop() returns time per function (name, file and
 * line), self and total (with its callees; a function counted once per stack even when recursive).
 */
async function startProfiler(page: Page): Promise<{ stop(): Promise<HotSpot[]> }> {
  const browser = page.context().browser();
  // Chromium's trace of the renderer: style, layout and paint, which a JS profile shows only as "(program)".
  await browser?.startTracing(page, {
    categories: [
      'devtools.timeline',
      ...(process.env.TRACE_INVALIDATIONS
        ? ['disabled-by-default-devtools.timeline.invalidationTracking']
        : []),
    ],
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  // Where the page allocates: V8's sampling heap profiler, one sample per 16 KiB allocated on average.
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.startSampling', {
    samplingInterval: 16_384,
    // Garbage too: what the scavenger collects is what this looks for.
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async stop() {
      const { profile: heap } = await cdp.send('HeapProfiler.stopSampling');
      printAllocations(heap.head);
      const { profile } = await cdp.send('Profiler.stop');
      await cdp.detach();
      const trace = await browser?.stopTracing();
      if (trace && TRACE_PATH) await writeFile(TRACE_PATH, trace);
      const rendering = trace ? renderingTimes(trace) : [];
      const byId = new Map(profile.nodes.map((node) => [node.id, node]));
      const parentOf = new Map<number, number>();
      for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
      const keyOf = (id: number): string => {
        const frame = byId.get(id)?.callFrame;
        if (!frame) return '?';
        const file = frame.url.split('/').at(-1) || '(native)';
        return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
      };
      const spots = new Map<string, HotSpot>();
      const spot = (key: string) => {
        let found = spots.get(key);
        if (!found) {
          found = { key, selfMs: 0, totalMs: 0 };
          spots.set(key, found);
        }
        return found;
      };
      const samples = profile.samples ?? [];
      const deltasUs = profile.timeDeltas ?? [];
      samples.forEach((id, index) => {
        // timeDeltas[i] is the time before sample i; the sample's own weight is the next delta.
        const ms = (deltasUs[index + 1] ?? 0) / 1000;
        spot(keyOf(id)).selfMs += ms;
        const seen = new Set<string>();
        for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
          const key = keyOf(current);
          if (seen.has(key)) continue;
          seen.add(key);
          spot(key).totalMs += ms;
        }
      });
      return [...spots.values(), ...rendering];
    },
  };
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** The functions that allocated most during the loaded window (sampled), and the total. */
function printAllocations(head: HeapNode): void {
  const bySite = new Map<string, number>();
  let total = 0;
  const visit = (node: HeapNode) => {
    const frame = node.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').at(-1) || '(native)'}:${frame.lineNumber + 1}`;
    bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) visit(child);
  };
  visit(head);
  console.log(
    `\nallocated during the loaded window (sampled, garbage included): ${(total / 1024 / 1024).toFixed(1)} MiB; by function:`,
  );
  for (const [key, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, PROFILE_TOP))
    console.log(`${(bytes / 1024).toFixed(0).padStart(8)} KiB  ${key}`);
}

const TraceEvents = z.object({
  traceEvents: z.array(z.object({ name: z.string(), ph: z.string(), dur: z.number().optional() })),
});
/** Renderer work in a devtools.timeline trace, as hot spots named "[trace] Layout" and the like. */
const RENDERING_EVENTS = ['UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'RasterTask'];

function renderingTimes(trace: Buffer): HotSpot[] {
  const { traceEvents } = TraceEvents.parse(JSON.parse(trace.toString('utf8')));
  return RENDERING_EVENTS.map((name) => {
    const ms =
      traceEvents
        .filter((event) => event.name === name && event.ph === 'X')
        .reduce((sum, event) => sum + (event.dur ?? 0), 0) / 1000;
    return { key: `[trace] ${name}`, selfMs: ms, totalMs: ms };
  });
}

function printHotSpots(spots: readonly HotSpot[]): void {
  for (const [title, field] of [
    ['self time', 'selfMs'],
    ['total time (with callees)', 'totalMs'],
  ] as const) {
    console.log(`\nthe page during the loaded window (CPU profile; [trace] = Chromium trace), by ${title}:`);
    const top = [...spots].sort((a, b) => b[field] - a[field]).slice(0, PROFILE_TOP);
    for (const entry of top) console.log(`${entry[field].toFixed(0).padStart(7)} ms  ${entry.key}`);
  }
}

// ---- statistics and the table ------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

function unitsReceived(measured: PageWindow): { total: number; wsFrames: number } {
  let total = 0;
  for (const [unit, after] of Object.entries(measured.unitCountsAfter))
    total += after - (measured.unitCountsBefore[unit] ?? 0);
  const wsFrames = (measured.unitCountsAfter['ws-frame'] ?? 0) - (measured.unitCountsBefore['ws-frame'] ?? 0);
  return { total, wsFrames };
}

interface WindowSummary {
  medianFrameMs: number;
  p95FrameMs: number;
  framesPerSecond: number;
  longTasks: number;
  maxLongTaskMs: number;
  commitsPerSecond: number;
  wireEventsPerSecond: number;
}

function summarize(measured: PageWindow): WindowSummary {
  const seconds = measured.elapsedMs / 1000;
  const longTasks = measured.longTasksMs.filter((duration) => duration > LONG_TASK_MS);
  return {
    medianFrameMs: median(measured.frameIntervalsMs),
    p95FrameMs: percentile(measured.frameIntervalsMs, 0.95),
    framesPerSecond: measured.frames / seconds,
    longTasks: longTasks.length,
    maxLongTaskMs: longTasks.length === 0 ? 0 : Math.max(...longTasks),
    commitsPerSecond: (measured.commits ?? Number.NaN) / seconds,
    wireEventsPerSecond: unitsReceived(measured).total / seconds,
  };
}

function printTable(rows: ReadonlyArray<readonly string[]>): void {
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const [head, ...body] = rows;
  if (!head) return;
  console.log(line(head));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of body) console.log(line(row));
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

// ---- the run -----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  console.log(`bench:page${QUICK ? ' --quick' : ''}: ${WINDOW_MS / 1000} s windows, room ${ROOM}`);
  // --profile serves an unminified build, so the profile names functions; timing is done on the real one.
  if (PROFILE) await viteBuild('--mode', 'profiling');
  await viteBuild();
  const ours = await gzipBytesOfScripts(join(PROJECT_ROOT, 'dist/client/assets'));
  const oursFirstLoad = await gzipBytesOfFirstLoad(join(PROJECT_ROOT, 'dist/client'));
  const hello = await buildHelloPage();

  let server: RunningServer | null = null;
  let publisher: Publisher | null = null;
  let chrome: DetachableChromium | null = null;
  try {
    const pinnedChromium = await pinCores();
    console.log(
      pinnedChromium
        ? 'pinned: publisher and server on core 0, Chromium on core 1'
        : 'not pinned (pass --pin to give Chromium core 1 alone)',
    );
    chrome = await DetachableChromium.start(pinnedChromium);
    server = await startRealServer({
      STATIC_DIR: PROFILE ? 'dist/profiling' : 'dist/client',
      SEND_RATE_PER_SECOND: String(PUBLISH_RATE_PER_SECOND * 10),
      SEND_BURST: String(PUBLISH_RATE_PER_SECOND * 10),
      // No pings or heartbeats inside the windows.
      WS_PING_INTERVAL_MS: '3600000',
      SSE_HEARTBEAT_MS: '3600000',
    });
    let page = await chrome.attach();
    await page.addInitScript(COUNT_COMMITS_SCRIPT);
    await joinOverWebSocket(page, server.url);
    // One column below 960 px: scroll to the wire view, as a learner watching the diagram would.
    if (VIEWPORT_WIDTH < 960) await page.locator('.wire-view').evaluate((view) => view.scrollIntoView());
    // Let the join's own traffic and renders settle before the idle baseline.
    await page.waitForTimeout(1_000);

    console.log(`idle: ${WINDOW_MS / 1000} s…`);
    const detached = !PROFILE;
    const idleRun = await measure(chrome, page, WINDOW_MS, detached);
    const idle = idleRun.window;
    page = idleRun.page;

    publisher = await startPublisher(server.url, PUBLISH_RATE_PER_SECOND);
    await page.waitForTimeout(WARM_UP_MS);
    const before = publisher.counts();
    const beforeMs = performance.now();
    console.log(`loaded (${PUBLISH_RATE_PER_SECOND} messages/s): ${WINDOW_MS / 1000} s…`);
    const profiler = PROFILE ? await startProfiler(page) : null;
    const loadedRun = await measure(chrome, page, WINDOW_MS, detached);
    const loaded = loadedRun.window;
    page = loadedRun.page;
    const hotSpots = await profiler?.stop();
    if (SCREENSHOT_PATH) await page.screenshot({ path: SCREENSHOT_PATH });
    const after = publisher.counts();
    // Node's clock: a busy page starts and returns the measuring script late, so the page's window is shorter.
    const publishSeconds = (performance.now() - beforeMs) / 1000;
    await publisher.close();
    const statusAfterLoad = await pageStatus(page);

    const idleSummary = summarize(idle);
    const loadedSummary = summarize(loaded);
    const publishedPerSecond = (after.sent - before.sent) / publishSeconds;
    const frameRows = unitsReceived(loaded);
    console.log('');
    printTable([
      ['measure', 'idle', `loaded (~${PUBLISH_RATE_PER_SECOND} msg/s)`],
      [
        'wire events received by the page /s',
        fixed(idleSummary.wireEventsPerSecond),
        fixed(loadedSummary.wireEventsPerSecond),
      ],
      ['  of which ws-frame units /s', '', fixed(frameRows.wsFrames / (loaded.elapsedMs / 1000))],
      [
        'messages published /s (acked, errors)',
        '',
        `${fixed(publishedPerSecond)} (${after.acked}, ${after.errors})`,
      ],
      ['page started the window late by (ms)', fixed(idle.startLagMs, 0), fixed(loaded.startLagMs, 0)],
      ['median frame (ms)', fixed(idleSummary.medianFrameMs, 2), fixed(loadedSummary.medianFrameMs, 2)],
      ['p95 frame (ms)', fixed(idleSummary.p95FrameMs, 2), fixed(loadedSummary.p95FrameMs, 2)],
      ['frames /s', fixed(idleSummary.framesPerSecond), fixed(loadedSummary.framesPerSecond)],
      ['frames loaded/idle', '', fixed(loadedSummary.framesPerSecond / idleSummary.framesPerSecond, 2)],
      [
        `long tasks > ${LONG_TASK_MS} ms (max ms)`,
        `${idleSummary.longTasks} (${fixed(idleSummary.maxLongTaskMs, 0)})`,
        `${loadedSummary.longTasks} (${fixed(loadedSummary.maxLongTaskMs, 0)})`,
      ],
      [
        'React commits /s vs frames /s',
        `${fixed(idleSummary.commitsPerSecond)} vs ${fixed(idleSummary.framesPerSecond)}`,
        `${fixed(loadedSummary.commitsPerSecond)} vs ${fixed(loadedSummary.framesPerSecond)}`,
      ],
    ]);
    console.log('');
    printTable([
      ['bundle (gzip -9)', 'all .js', 'ratio', 'first load', 'ratio'],
      [
        'ours (dist/client)',
        kib(ours),
        fixed(ours / hello.gzipBytes, 2),
        kib(oursFirstLoad),
        fixed(oursFirstLoad / hello.firstLoadGzipBytes, 2),
      ],
      [
        'hello (React + react-dom + the same d3 imports)',
        kib(hello.gzipBytes),
        '1.00',
        kib(hello.firstLoadGzipBytes),
        '1.00',
      ],
    ]);
    console.log(
      `\nafter the load: ${statusAfterLoad.chat}; inspector ${statusAfterLoad.inspector}; ` +
        `the page shows ${statusAfterLoad.chatRows} chat rows, ${statusAfterLoad.diagramElements} SVG elements ` +
        `in the diagram (${statusAfterLoad.pageElements} elements in all), and counted ${statusAfterLoad.units} units`,
    );
    if (hotSpots) printHotSpots(hotSpots);
  } finally {
    await publisher?.close();
    await chrome?.stop();
    await server?.stop();
    await rm(hello.outDir, { recursive: true, force: true });
  }
}

exitOnSignals();
main().catch((error: unknown) => {
  console.error('bench:page failed:', error);
  process.exitCode = 1;
});
