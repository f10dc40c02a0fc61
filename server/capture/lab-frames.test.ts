/**
 * The chat's own WebSocket with the network lab's frame options, captured end to end: a real server on
 * a real port, the lab set over its HTTP API, a `ws` chat client (it offers permessage-deflate), and the
 * events read through a real inspector. What the inspector says must match what the client received.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { WireEvent } from '../../protocol/inspect.ts';
import { type ChatMessage, WsServerFrame } from '../../protocol/messages.ts';
import { type Config, DEFAULT_CONFIG } from '../config.ts';
import { kill, setLab } from '../lab/test-lab.ts';
import { type RunningServer, startServer } from '../server.ts';
import { newMessageId, waitFor } from '../transports/test-clients.ts';
import { bytesOf, describeEvents, InspectorClient, readFrame } from './test-inspector.ts';

const CONFIG: Config = {
  ...DEFAULT_CONFIG,
  port: 0,
  staticDir: null,
  sendRatePerSecond: 1_000,
  sendBurst: 1_000,
  wsPingIntervalMs: 60_000,
  shutdownGraceMs: 1_000,
};
const WAIT_MS = 5_000;
let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * A bare chat client on the `ws` package (it offers permessage-deflate): it reads text and binary frames
 * alike, since the lab may send either, and keeps the chat messages and acks it was sent.
 */
class RawChat {
  readonly messages: ChatMessage[] = [];
  readonly acks = new Map<string, number>();
  resumed = false;
  constructor(readonly socket: WebSocket) {
    socket.on('error', () => {});
    socket.on('message', (data: Buffer) => {
      const frame = WsServerFrame.parse(JSON.parse(data.toString('utf8')));
      if (frame.type === 'resume') this.resumed = true;
      if (frame.type === 'message') this.messages.push(frame.message);
      if (frame.type === 'ack') this.acks.set(frame.id, frame.seq);
    });
  }

  static async open(baseUrl: string, room: string, client: string): Promise<RawChat> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/rooms/${room}/ws?client=${client}&name=ada`;
    const chat = new RawChat(new WebSocket(url));
    await waitFor(
      () => chat.resumed,
      WAIT_MS,
      () => 'the chat WebSocket to say resume',
    );
    return chat;
  }

  async say(text: string): Promise<number> {
    const id = newMessageId();
    this.socket.send(JSON.stringify({ type: 'send', id, text }));
    await waitFor(
      () => this.acks.has(id) && this.messages.some((message) => message.text === text),
      WAIT_MS,
      () => `the ack and echo of "${text}"`,
    );
    return this.acks.get(id) ?? -1;
  }
}

const serverFrames = (events: readonly WireEvent[]) =>
  events.filter((event) => event.unit === 'ws-frame' && event.dir === 'out');

describe('wire capture of the chat WebSocket under the lab frame options', () => {
  let server: RunningServer;
  const chats: RawChat[] = [];
  const inspectors: InspectorClient[] = [];

  beforeAll(async () => {
    server = await startServer(CONFIG);
  });
  afterEach(async () => {
    for (const chat of chats.splice(0)) chat.socket.terminate();
    for (const inspector of inspectors) expect(inspector.errors).toEqual([]);
    await Promise.all(inspectors.splice(0).map((inspector) => inspector.close()));
  });
  afterAll(async () => {
    await server.shutdown();
  });

  async function open(settings: Parameters<typeof setLab>[2]) {
    const client = unique('lab-frames');
    const inspector = await InspectorClient.open(server.url, client);
    inspectors.push(inspector);
    await setLab(server.url, client, settings);
    const chatter = await RawChat.open(server.url, unique('room'), client);
    chats.push(chatter);
    return { client, inspector, chatter };
  }

  it.each([
    { wsDeflate: true, wsFragmentBytes: 0, wsBinary: false },
    { wsDeflate: false, wsFragmentBytes: 32, wsBinary: false },
    { wsDeflate: true, wsFragmentBytes: 24, wsBinary: true },
  ])('%o: every server message is whole on its last frame, with its seq', async (settings) => {
    const { inspector, chatter } = await open(settings);
    const seqs: number[] = [];
    for (const text of ['hello, lab', 'hello, lab', 'naïve ✓ unicode']) seqs.push(await chatter.say(text));
    await inspector.waitForEvents(
      (events) => serverFrames(events).some((event) => event.messageSeqs.includes(seqs.at(-1) ?? -1)),
      'the frames carrying the last seq',
    );
    const events = inspector.events;
    const where = describeEvents(events);
    const answer = events.find((event) => event.unit === 'ws-handshake' && event.dir === 'out');
    expect(
      /sec-websocket-extensions: permessage-deflate/i.test(bytesOf(answer as WireEvent).toString('latin1')),
    ).toBe(settings.wsDeflate);
    const frames = serverFrames(events).filter((event) => (event.ws?.opcode ?? 8) < 8);
    for (const event of frames) {
      expect(event.error, where).toBeUndefined();
      expect(event.ws?.opcode, where).toBe(event.ws?.fragment === 1 ? (settings.wsBinary ? 2 : 1) : 0);
      expect(event.ws?.rsv1, where).toBe(settings.wsDeflate && event.ws?.fragment === 1);
      if (settings.wsFragmentBytes > 0 && !settings.wsDeflate)
        expect(event.ws?.payloadLength ?? 0, where).toBeLessThanOrEqual(settings.wsFragmentBytes);
    }
    // Each message: its frames share a messageIndex, only the last (FIN 1) carries the message and its seqs.
    const lasts = frames.filter((event) => event.ws?.fin);
    const texts: string[] = [];
    for (const last of lasts) {
      const siblings = frames.filter((event) => event.ws?.messageIndex === last.ws?.messageIndex);
      expect(siblings.at(-1), where).toBe(last);
      for (const earlier of siblings.slice(0, -1)) expect(earlier.messageSeqs, where).toEqual([]);
      const text = last.wsMessage ? last.wsMessage.text : readFrame(bytesOf(last)).payload.toString();
      expect(text, where).not.toBeNull();
      const frame = WsServerFrame.parse(JSON.parse(text ?? ''));
      const expected =
        frame.type === 'message' ? [frame.message.seq] : frame.type === 'ack' ? [frame.seq] : [];
      expect(last.messageSeqs, where).toEqual(expected);
      if (frame.type === 'message') texts.push(frame.message.text);
      if (siblings.length > 1 || settings.wsDeflate) {
        expect(last.wsMessage, where).toMatchObject({
          compressed: settings.wsDeflate,
          frameIndexes: siblings.map((event) => event.ws?.frameIndex),
        });
      }
    }
    expect(texts).toEqual(chatter.messages.map((message) => message.text));
    expect(texts.slice(-3)).toEqual(['hello, lab', 'hello, lab', 'naïve ✓ unicode']);
    if (settings.wsFragmentBytes > 0) expect(frames.some((event) => event.ws?.opcode === 0)).toBe(true);
  });

  it('a clean kill sends its close code; a reset sends none, and tcp-close says both sides see 1006', async () => {
    const clean = await open({});
    await clean.chatter.say('before the kill');
    expect(await kill(server.url, clean.client, { mode: 'clean', code: 1012 })).toBeGreaterThan(0);
    await clean.inspector.waitForEvents(
      (events) => events.some((event) => event.unit === 'tcp-close' && event.transport === 'websocket'),
      'the killed connection to close',
    );
    const close = clean.inspector.events.find((event) => event.ws?.closeCode === 1012);
    expect(close?.dir, describeEvents(clean.inspector.events)).toBe('out');
    const cleanEnd = clean.inspector.events.find(
      (event) => event.unit === 'tcp-close' && event.transport === 'websocket',
    );
    expect(cleanEnd?.wsClosing?.fromServer?.code).toBe(1012);

    const reset = await open({});
    await reset.chatter.say('before the reset');
    await kill(server.url, reset.client, { mode: 'reset' });
    await reset.inspector.waitForEvents(
      (events) => events.some((event) => event.unit === 'tcp-close' && event.transport === 'websocket'),
      'the reset connection to close',
    );
    const resetEnd = reset.inspector.events.find(
      (event) => event.unit === 'tcp-close' && event.transport === 'websocket',
    );
    expect(resetEnd?.wsClosing, describeEvents(reset.inspector.events)).toEqual({
      fromServer: null,
      fromClient: null,
    });
  });
});
