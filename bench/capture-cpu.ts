/**
 * The capture's own CPU per WebSocket frame, in one process and without a network, so it stays readable
 * when the machine is busy (a throughput ratio then is mostly noise). Fake sockets go through the real
 * tap and recorder with CAPTURE_ALL on, nobody reading: one masked client frame in, then the broadcast
 * written to every connection as `ws` writes it (a header Buffer and the JSON string, one `_writev`).
 * The same loop over untapped sockets is the baseline; the difference is what capture costs a frame.
 *
 *   node --import tsx bench/capture-cpu.ts [--connections 32] [--sends 4000] [--rounds 5] [--read]
 *   --read also builds every kept event once afterwards, as an inspector opened later would.
 * Beside CPU it reports the GC time and the minor page faults (fresh memory touched) per frame: what
 * keeping frames costs the memory system, steadier than CPU time on a busy machine.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { Recorder } from '../server/capture/recorder.ts';

interface Options {
  connections: number;
  sends: number;
  rounds: number;
  read: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const number = (flag: string, fallback: number) => {
    const at = argv.indexOf(flag);
    if (at < 0) return fallback;
    const value = Number(argv[at + 1]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a positive integer`);
    return value;
  };
  return {
    connections: number('--connections', 32),
    sends: number('--sends', 4_000),
    rounds: number('--rounds', 5),
    read: argv.includes('--read'),
  };
}

type WriteCallback = (error?: Error | null) => void;

/** Just enough of a net.Socket for the tap: events, `_write`/`_writev` on the prototype, a peer. */
class FakeSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort: number;
  constructor(port: number) {
    super();
    this.remotePort = port;
  }
  _write(_chunk: unknown, _encoding: BufferEncoding, callback: WriteCallback): void {
    callback();
  }
  _writev(_chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>, callback: WriteCallback): void {
    callback();
  }
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const upgradeRequest = (client: string) =>
  `GET /api/rooms/bench/ws?client=${client}&name=bench HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n` +
  `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n\r\n`;
const UPGRADE_RESPONSE =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';

function serverHeader(length: number): Buffer {
  return length < 126 ? Buffer.from([0x81, length]) : Buffer.from([0x81, 126, length >> 8, length & 0xff]);
}

function maskedFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const key = [0x12, 0x34, 0x56, 0x78];
  const head =
    payload.length < 126
      ? [0x81, 0x80 | payload.length]
      : [0x81, 0xfe, payload.length >> 8, payload.length & 0xff];
  const masked = payload.map((byte, index) => byte ^ (key[index & 3] ?? 0));
  return Buffer.concat([Buffer.from([...head, ...key]), masked]);
}

const noop: WriteCallback = () => {};
/** What Node's Writable passes for a Buffer chunk (not a member of the BufferEncoding type). */
const BUFFER_ENCODING = 'buffer' as BufferEncoding;

/** Garbage collection time so far (ms): capture's cost is much of it, and it is steadier than CPU time. */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

interface RunResult {
  microsPerFrame: number;
  /** GC time and minor page faults (fresh memory touched) per frame written, over the same loop. */
  gcMicrosPerFrame: number;
  pageFaultsPerFrame: number;
  frames: number;
  recorder: Recorder;
}

function run(options: Options, tapped: boolean): RunResult {
  const recorder = new Recorder({
    maxUnitBytes: 4096,
    maxEventsPerClient: 2000,
    maxScanBytes: 1024 * 1024,
    captureAll: true,
  });
  const sockets = Array.from({ length: options.connections }, (_, index) => new FakeSocket(50_000 + index));
  for (const [index, socket] of sockets.entries()) {
    if (tapped) recorder.accept(socket as unknown as Socket);
    socket.emit('data', Buffer.from(upgradeRequest(`bench-${index}`), 'latin1'));
    socket._write(UPGRADE_RESPONSE, 'latin1', noop);
  }
  let frames = 0;
  const faultsBefore = process.resourceUsage().minorPageFault;
  const cpu = process.cpuUsage();
  for (let seq = 1; seq <= options.sends; seq += 1) {
    const sender = seq % options.connections;
    sockets[sender]?.emit(
      'data',
      maskedFrame(
        `{"type":"send","id":"m${sender}-${seq}","from":"bench","text":"hello number ${seq} from peer ${sender}"}`,
      ),
    );
    const text = `{"type":"message","message":{"seq":${seq},"epoch":"k3J9aQ","cursor":"k3J9aQ:${seq}","room":"bench","id":"m${sender}-${seq}","from":"bench","kind":"chat","text":"hello number ${seq} from peer ${sender}","committedAtMs":${Date.now()}}}`;
    const header = serverHeader(Buffer.byteLength(text));
    for (const socket of sockets) {
      socket._writev(
        [
          { chunk: header, encoding: BUFFER_ENCODING },
          { chunk: text, encoding: 'utf8' },
        ],
        noop,
      );
      frames += 1;
    }
  }
  const used = process.cpuUsage(cpu);
  return {
    microsPerFrame: (used.user + used.system) / frames,
    gcMicrosPerFrame: 0,
    pageFaultsPerFrame: (process.resourceUsage().minorPageFault - faultsBefore) / frames,
    frames,
    recorder,
  };
}

function readAll(recorder: Recorder, connections: number): { events: number; micros: number } {
  const cpu = process.cpuUsage();
  let events = 0;
  for (let index = 0; index < connections; index += 1) {
    events += recorder.eventsFrom(`bench-${index}`, 1, Number.MAX_SAFE_INTEGER).length;
  }
  const used = process.cpuUsage(cpu);
  return { events, micros: used.user + used.system };
}

/** Lets the GC observer catch up: its entries arrive on the event loop, not during a synchronous run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

async function measure(options: Options, tapped: boolean): Promise<RunResult> {
  await settle();
  const gcBefore = gcMs;
  const result = run(options, tapped);
  await settle();
  return { ...result, gcMicrosPerFrame: ((gcMs - gcBefore) * 1000) / result.frames };
}

const options = parseOptions(process.argv.slice(2));
// Warm both paths up (JIT), then measure alternately.
run({ ...options, sends: Math.min(options.sends, 500) }, false);
run({ ...options, sends: Math.min(options.sends, 500) }, true);
const results: Array<{ cpu: number; gc: number; faults: number }> = [];
for (let round = 0; round < options.rounds; round += 1) {
  const off = await measure(options, false);
  const on = await measure(options, true);
  results.push({
    cpu: on.microsPerFrame - off.microsPerFrame,
    gc: on.gcMicrosPerFrame - off.gcMicrosPerFrame,
    faults: on.pageFaultsPerFrame - off.pageFaultsPerFrame,
  });
  const read = options.read ? readAll(on.recorder, options.connections) : null;
  console.log(
    `round ${round + 1}: untapped ${off.microsPerFrame.toFixed(2)} µs/frame, CAPTURE_ALL ${on.microsPerFrame.toFixed(2)} µs/frame` +
      ` (capture ${(on.microsPerFrame - off.microsPerFrame).toFixed(2)} µs/frame over ${on.frames} frames out;` +
      ` GC ${off.gcMicrosPerFrame.toFixed(2)} -> ${on.gcMicrosPerFrame.toFixed(2)} µs/frame,` +
      ` page faults ${off.pageFaultsPerFrame.toFixed(3)} -> ${on.pageFaultsPerFrame.toFixed(3)} per frame)` +
      (read
        ? `; reading ${read.events} kept events took ${(read.micros / read.events).toFixed(2)} µs each`
        : ''),
  );
}
const middle = (values: number[]) =>
  values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const costs = results.map((result) => result.cpu).sort((a, b) => a - b);
const least = costs[0] ?? Number.NaN;
// On a busy machine other processes only ever add to CPU time, so the least round is the steadiest figure.
console.log(
  `capture cost per frame written: median ${middle(costs).toFixed(2)} µs, least ${least.toFixed(2)} µs over ${costs.length} rounds;` +
    ` of it GC ${middle(results.map((result) => result.gc)).toFixed(2)} µs (median),` +
    ` page faults ${middle(results.map((result) => result.faults)).toFixed(3)} per frame (median)`,
);
