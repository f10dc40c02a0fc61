/**
 * One contract, run against all four client transports and a real server on a free port: what the page
 * relies on, whichever transport the learner picked. Node has no browser EventSource or WebSocket, so
 * the same-API implementations the server tests use stand in for them.
 */
import { EventSource as NodeEventSource } from 'eventsource';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { ChatMessage } from '../../protocol/messages.ts';
import { DEFAULT_CONFIG } from '../../server/config.ts';
import { type RunningServer, startServer } from '../../server/server.ts';
import { TRANSPORT_CHOICES, TRANSPORTS } from './index.ts';
import type { ResumeInfo, StatusChange, Transport, TransportChoice, TransportOptions } from './types.ts';

Object.assign(globalThis, { EventSource: NodeEventSource, WebSocket: NodeWebSocket });

let server: RunningServer;
const opened: Transport[] = [];

beforeAll(async () => {
  server = await startServer({ ...DEFAULT_CONFIG, port: 0, staticDir: null, presenceGraceMs: 200 });
});
afterEach(() => {
  for (const transport of opened.splice(0)) transport.close();
});
afterAll(async () => {
  await server.shutdown();
});

let roomCounter = 0;
function options(name: string, room: string, since: string | null = null): TransportOptions {
  return { room, name, clientId: `${name}-${roomCounter}`, since, baseUrl: server.url };
}

interface Probe {
  transport: Transport;
  messages: ChatMessage[];
  resumes: ResumeInfo[];
  statuses: StatusChange[];
}

function start(kind: TransportChoice, transportOptions: TransportOptions): Probe {
  const factory = TRANSPORTS[kind];
  // Naive polling at its 2 s default would make every test wait; the interval is an option for that reason.
  const transport = factory({ ...transportOptions, ...(kind === 'polling' ? { intervalMs: 100 } : {}) });
  opened.push(transport);
  const probe: Probe = { transport, messages: [], resumes: [], statuses: [] };
  transport.onMessage((message) => probe.messages.push(message));
  transport.onResume((resume) => probe.resumes.push(resume));
  transport.onStatus((change) => probe.statuses.push(change));
  transport.open();
  return probe;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const texts = (probe: Probe) => probe.messages.filter((m) => m.kind === 'chat').map((m) => m.text);

describe.each(TRANSPORT_CHOICES)('%s transport', (kind) => {
  it('resumes first, delivers its own join, sends and receives its echo once', async () => {
    const room = `contract-${kind}-${++roomCounter}`;
    const probe = start(kind, options('ada', room));
    await until(() => probe.messages.some((m) => m.kind === 'join'), 'the join line');
    expect(probe.resumes[0]).toMatchObject({ recovered: true });
    expect(probe.statuses[0]?.status).toBe('connecting');
    await until(() => probe.statuses.some((s) => s.status === 'open'), 'status open');

    const ack = await probe.transport.send({ id: `m-${kind}-1`, text: 'hello', sentAtMs: Date.now() });
    expect(ack.cursor).toBe(`${ack.epoch}:${ack.seq}`);
    await until(() => texts(probe).includes('hello'), 'the echo');
    // The same id again is the same message: no second seq, no second line.
    const again = await probe.transport.send({ id: `m-${kind}-1`, text: 'hello', sentAtMs: Date.now() });
    expect(again.seq).toBe(ack.seq);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(texts(probe)).toEqual(['hello']);
    expect(probe.transport.cursor()).toBe(ack.cursor);
  });

  it('resumes from a cursor with exactly what came after it', async () => {
    const room = `contract-resume-${kind}-${++roomCounter}`;
    const first = start('websocket', options('bob', room));
    const a = await first.transport.send({ id: 'r-1', text: 'one', sentAtMs: 0 });
    await first.transport.send({ id: 'r-2', text: 'two', sentAtMs: 0 });
    await first.transport.send({ id: 'r-3', text: 'three', sentAtMs: 0 });

    const probe = start(kind, options('cy', room, a.cursor));
    await until(() => texts(probe).includes('three'), 'the messages after the cursor');
    expect(probe.resumes[0]).toMatchObject({ recovered: true });
    expect(texts(probe)).toEqual(['two', 'three']);
    const seqs = probe.messages.map((m) => m.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('says recovered: false for a cursor from another epoch', async () => {
    const room = `contract-epoch-${kind}-${++roomCounter}`;
    const probe = start(kind, options('dee', room, 'gone:42'));
    await until(() => probe.resumes.length > 0, 'a resume');
    expect(probe.resumes[0]).toMatchObject({ recovered: false, reason: 'epoch_changed' });
  });

  it('closes idempotently and rejects sends after close', async () => {
    const probe = start(kind, options('eve', `contract-close-${kind}-${++roomCounter}`));
    await until(() => probe.statuses.some((s) => s.status === 'open'), 'status open');
    probe.transport.close();
    probe.transport.close();
    expect(probe.statuses.filter((s) => s.status === 'closed')).toHaveLength(1);
    await expect(probe.transport.send({ id: 'late', text: 'x', sentAtMs: 0 })).rejects.toMatchObject({
      code: 'transport_closed',
    });
  });
});

describe.each(TRANSPORT_CHOICES)('%s transport across a server restart', (kind) => {
  it('reconnects by itself and says the history it had is gone', async () => {
    const first = await startServer({ ...DEFAULT_CONFIG, port: 0, staticDir: null, shutdownGraceMs: 200 });
    const { port } = first;
    let second: RunningServer | null = null;
    try {
      const room = `contract-restart-${kind}-${++roomCounter}`;
      const probe = start(kind, { ...options('fay', room), baseUrl: first.url });
      await probe.transport.send({ id: 'before', text: 'before restart', sentAtMs: 0 });
      await until(() => texts(probe).includes('before restart'), 'the first message');

      await first.shutdown();
      // The memory broker starts empty: a new epoch, so the old cursor cannot be honoured.
      second = await startServer({ ...DEFAULT_CONFIG, port, staticDir: null });
      await until(() => probe.resumes.some((r) => !r.recovered), 'a lossy resume', 15_000);
      expect(probe.resumes.find((r) => !r.recovered)).toMatchObject({ reason: 'epoch_changed' });
      // A stream or a socket (Auto settles on WebSocket) is cut by the restart, so the page must see it go
      // down. A poller may not: shutdown answers a held long poll (with Connection: close), and a restart
      // quicker than the next poll goes unseen but for the new epoch, which the lossy resume reports.
      if (kind === 'sse' || kind === 'websocket' || kind === 'auto')
        expect(probe.statuses.some((s) => s.status === 'reconnecting')).toBe(true);

      await probe.transport.send({ id: 'after', text: 'after restart', sentAtMs: 0 });
      await until(() => texts(probe).includes('after restart'), 'a message on the new server', 10_000);
    } finally {
      for (const transport of opened.splice(0)) transport.close();
      await second?.shutdown();
    }
  }, 30_000);
});
