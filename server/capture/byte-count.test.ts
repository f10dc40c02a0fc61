/**
 * The inspector's byte counts against a packet capture of the same exchange: for every TCP connection
 * of the inspected clients, the units' byteLength summed per direction must equal, exactly, the TCP
 * payload bytes tshark saw cross the loopback in that direction. tshark runs as a child process for the
 * whole file and is always stopped in afterAll.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../protocol/inspect.ts';
import { TRANSPORT_KINDS, type TransportKind } from '../../protocol/messages.ts';
import { type Config, DEFAULT_CONFIG } from '../config.ts';
import { type RunningServer, startServer } from '../server.ts';
import { type ChatClient, ClientPool, waitFor } from '../transports/test-clients.ts';
import { describeEvents, InspectorClient } from './test-inspector.ts';

const TSHARK = 'tshark';
const TSHARK_START_TIMEOUT_MS = 10_000;
const TSHARK_STOP_TIMEOUT_MS = 5_000;
/** After the last close: time for the last FIN/ACKs to reach the capture before it stops. */
const SETTLE_MS = 300;
const WAIT_MS = 5_000;

const CONFIG: Config = {
  ...DEFAULT_CONFIG,
  port: 0,
  staticDir: null,
  sendRatePerSecond: 1_000,
  sendBurst: 1_000,
  wsPingIntervalMs: 300,
  sseHeartbeatMs: 200,
  sseRetryMs: 50,
  shutdownGraceMs: 1_000,
};

const tsharkAvailable = spawnSync(TSHARK, ['--version'], { stdio: 'ignore' }).status === 0;
if (!tsharkAvailable && !process.env.CI) {
  console.warn(
    '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
      '!!! byte-count.test.ts SKIPPED: tshark is not installed, so the inspector byte counts are NOT\n' +
      '!!! checked against a packet capture. Install it (apt-get install tshark) to run this check.\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
  );
}

interface Capture {
  child: ChildProcess;
  file: string;
  stderr: string[];
  exited: Promise<number | null>;
}

/** Starts tshark; the caller owns the child from here on, even if it never reports capturing. */
function launchCapture(port: number, dir: string): Capture {
  const file = join(dir, 'exchange.pcapng');
  const child = spawn(TSHARK, ['-i', 'lo', '-f', `tcp port ${port}`, '-w', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      stderr.push(`spawn failed: ${error.message}`);
      resolve(null);
    });
  });
  return { child, file, stderr, exited };
}

async function waitUntilCapturing({ child, stderr }: Capture): Promise<void> {
  await waitFor(
    () => stderr.join('').includes('Capturing on') || child.exitCode !== null || child.signalCode !== null,
    TSHARK_START_TIMEOUT_MS,
    () => `tshark to report "Capturing on" (stderr so far: ${JSON.stringify(stderr.join(''))})`,
  );
  if (!stderr.join('').includes('Capturing on'))
    throw new Error(`tshark did not start capturing: ${stderr.join('')}`);
}

/** SIGINT makes tshark flush and close the file; SIGKILL if it does not exit in time. Idempotent. */
async function stopCapture(capture: Capture): Promise<void> {
  const { child } = capture;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), TSHARK_STOP_TIMEOUT_MS);
  await capture.exited;
  clearTimeout(timer);
}

interface Flow {
  toServer: number;
  fromServer: number;
  packets: number;
}

/** TCP payload bytes per client port and direction, retransmissions left out (they carry no new bytes). */
function readFlows(file: string, serverPort: number): Map<number, Flow> {
  const read = spawnSync(
    TSHARK,
    [
      '-r',
      file,
      '-Y',
      '!tcp.analysis.retransmission && !tcp.analysis.fast_retransmission',
      '-T',
      'fields',
      '-E',
      'separator=,',
      '-e',
      'tcp.srcport',
      '-e',
      'tcp.dstport',
      '-e',
      'tcp.len',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (read.status !== 0) throw new Error(`tshark -r failed (${read.status}): ${read.stderr}`);
  const flows = new Map<number, Flow>();
  for (const line of read.stdout.split('\n')) {
    if (line.trim() === '') continue;
    const [src, dst, len] = line.split(',').map(Number);
    if (src === undefined || dst === undefined || len === undefined || Number.isNaN(len))
      throw new Error(`unexpected tshark line "${line}"`);
    const toServer = dst === serverPort;
    const clientPort = toServer ? src : dst;
    const flow = flows.get(clientPort) ?? { toServer: 0, fromServer: 0, packets: 0 };
    if (toServer) flow.toServer += len;
    else flow.fromServer += len;
    flow.packets += 1;
    flows.set(clientPort, flow);
  }
  return flows;
}

/** A short chat: connect, three messages (one of 20 KiB, so it spans TCP segments and capture caps), close. */
async function chatOver(
  kind: TransportKind,
  pool: ClientPool,
  server: RunningServer,
  client: string,
  inspector: InspectorClient,
) {
  const chatter: ChatClient = await pool.connect(kind, server.url, `bytes-${kind}`, 'ada', {
    clientId: client,
  });
  const texts = ['hello', 'y'.repeat(20 * 1024), 'bye'];
  for (const text of texts) {
    await chatter.send(text);
    await waitFor(
      () => chatter.messages.some((message) => message.text === text),
      WAIT_MS,
      () => `${kind} client to receive its message of ${text.length} chars`,
    );
  }
  if (kind === 'websocket' || kind === 'sse') {
    // A heartbeat crosses too: a ping/pong on the WebSocket, a comment on the SSE stream.
    await inspector.waitForEvents(
      (events) => events.some((event) => event.ws?.opcode === 10 || event.unit === 'sse-comment'),
      `a ${kind} heartbeat`,
    );
  }
  await chatter.close();
}

describe.skipIf(!tsharkAvailable && !process.env.CI)('byte counts against a packet capture (tshark)', () => {
  let server: RunningServer | null = null;
  let capture: Capture | null = null;
  let dir: string | null = null;
  const pool = new ClientPool();
  const inspectors: InspectorClient[] = [];

  beforeAll(async () => {
    if (!tsharkAvailable)
      throw new Error('tshark is not installed, and CI must run the packet-capture check');
    dir = mkdtempSync(join(tmpdir(), 'wirelab-bytes-'));
    server = await startServer(CONFIG);
    capture = launchCapture(server.port, dir);
    await waitUntilCapturing(capture);
  }, 15_000);
  afterAll(async () => {
    await pool.closeAll();
    await Promise.all(inspectors.map((inspector) => inspector.close()));
    if (capture) await stopCapture(capture);
    await server?.shutdown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('equals, per connection and direction, the TCP payload bytes that crossed the wire', async () => {
    if (!server || !capture) throw new Error('setup failed');
    const running = server;
    const clients = TRANSPORT_KINDS.map((kind) => ({ kind, client: `bytes-${kind}-${process.pid}` }));
    for (const { client } of clients) inspectors.push(await InspectorClient.open(running.url, client));
    for (const [index, { kind, client }] of clients.entries()) {
      const inspector = inspectors[index];
      if (!inspector) throw new Error('no inspector');
      await chatOver(kind, pool, running, client, inspector);
    }

    // Shutdown closes the idle keep-alive sockets (and the inspectors); the rings keep recording until
    // every tapped connection has closed, so the ring is the complete record and the stream a prefix of it.
    await running.shutdown();
    const rings = new Map<string, WireEvent[]>();
    const ringOf = (client: string) =>
      running.recorder.eventsFrom(client, 1, running.recorder.options.maxEventsPerClient);
    const connIds = () => new Set([...rings.values()].flat().map((event) => event.connId));
    await waitFor(
      () => {
        for (const { client } of clients) rings.set(client, ringOf(client));
        const all = [...rings.values()].flat();
        return [...connIds()].every((connId) =>
          all.some((event) => event.connId === connId && event.unit === 'tcp-close'),
        );
      },
      WAIT_MS,
      () => `every captured connection to close:\n  ${describeEvents([...rings.values()].flat())}`,
    );
    await sleep(SETTLE_MS);
    await stopCapture(capture);
    const flows = readFlows(capture.file, running.port);

    for (const [index, inspector] of inspectors.entries()) {
      const ring = rings.get(clients[index]?.client ?? '') ?? [];
      expect(inspector.errors).toEqual([]);
      expect(ring.length, 'the ring must not have dropped events (raise the cap)').toBe(
        ring.at(-1)?.eventSeq,
      );
      expect(inspector.events.length).toBeGreaterThan(0);
      expect(inspector.events, 'what the inspector streamed is what the ring kept').toEqual(
        ring.slice(0, inspector.events.length),
      );
    }

    const events = [...rings.values()].flat();
    const portOf = new Map<number, number>();
    for (const event of events) {
      if (event.unit !== 'tcp-open') continue;
      const port = Number(event.peer?.split(':').at(-1));
      expect(portOf.get(event.connId) ?? port, `connection ${event.connId} seen with two peers`).toBe(port);
      portOf.set(event.connId, port);
    }
    const rows: string[] = [];
    const mismatches: string[] = [];
    for (const [connId, port] of [...portOf].sort((a, b) => a[0] - b[0])) {
      const units = events.filter((event) => event.connId === connId);
      const sum = (dir: 'in' | 'out') =>
        units.filter((event) => event.dir === dir).reduce((total, event) => total + event.byteLength, 0);
      const flow = flows.get(port) ?? { toServer: -1, fromServer: -1, packets: 0 };
      const row = `conn ${connId} port ${port} [${[...new Set(units.map((u) => u.transport))].join(',')}]: in ${sum('in')} / wire ${flow.toServer}, out ${sum('out')} / wire ${flow.fromServer} (${flow.packets} packets)`;
      rows.push(row);
      if (sum('in') !== flow.toServer || sum('out') !== flow.fromServer)
        mismatches.push(`${row}\n    ${describeEvents(units)}`);
    }
    // Every connection that carried bytes is one the inspectors reported, except the inspectors' own. A
    // connection the client pool opened and closed unused carries no request, so no client to show it to.
    const inspectorPorts = inspectors.map((inspector) => inspector.localPort);
    expect(inspectorPorts.every((port) => port !== null && flows.has(port))).toBe(true);
    const unreported = [...flows.entries()]
      .filter(([port, flow]) => flow.toServer + flow.fromServer > 0 && !inspectorPorts.includes(port))
      .map(([port]) => port)
      .filter((port) => ![...portOf.values()].includes(port));
    const unreportedRows = unreported.map((port) => `port ${port}: ${JSON.stringify(flows.get(port))}`);
    expect(
      unreportedRows,
      `connections on the wire that no event reported (inspectors on ${inspectorPorts})\n${rows.join('\n')}`,
    ).toEqual([]);
    expect(portOf.size).toBeGreaterThanOrEqual(TRANSPORT_KINDS.length);
    expect(mismatches, `byte counts differ from the packet capture:\n${rows.join('\n')}`).toEqual([]);
  }, 20_000);
});
