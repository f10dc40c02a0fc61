import { describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import {
  createWebSocketTransport,
  frameText,
  livenessTimeoutMs,
  WS_LIVENESS_SLACK_MS,
  WS_LIVENESS_TIMEOUT_MS,
} from './websocket.ts';

describe('livenessTimeoutMs', () => {
  it('allows two missed heartbeats plus slack once the server said its interval', () => {
    expect(livenessTimeoutMs(2_000, WS_LIVENESS_TIMEOUT_MS)).toBe(4_000 + WS_LIVENESS_SLACK_MS);
    expect(livenessTimeoutMs(25_000, WS_LIVENESS_TIMEOUT_MS)).toBe(50_000 + WS_LIVENESS_SLACK_MS);
  });

  it('falls back to the fixed timeout before the resume frame (or from a server that never says)', () => {
    expect(livenessTimeoutMs(undefined, WS_LIVENESS_TIMEOUT_MS)).toBe(WS_LIVENESS_TIMEOUT_MS);
  });
});

describe('frameText', () => {
  it('passes text frames through and decodes binary frames as UTF-8', () => {
    expect(frameText('{"type":"heartbeat"}')).toBe('{"type":"heartbeat"}');
    const bytes = new TextEncoder().encode('{"text":"héllo ✓"}');
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect(frameText(buffer)).toBe('{"text":"héllo ✓"}');
  });

  it('refuses what is not text: invalid UTF-8, Blobs, anything else', () => {
    expect(frameText(new Uint8Array([0x7b, 0xff, 0x7d]).buffer)).toBeNull();
    expect(frameText(new Blob(['{}']))).toBeNull();
    expect(frameText(42)).toBeNull();
  });
});

describe('the liveness watchdog against a server that goes silent', () => {
  it('closes with 4000 after two missed heartbeats and reconnects; binary frames are read', async () => {
    Object.assign(globalThis, { WebSocket: NodeWebSocket });
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    const closeCodes: number[] = [];
    let connections = 0;
    server.on('connection', (socket) => {
      connections += 1;
      socket.on('close', (code) => closeCodes.push(code));
      // A binary resume (the lab's wsBinary) promising a heartbeat every 100 ms, then silence.
      const resume = JSON.stringify({ type: 'resume', recovered: true, cursor: 'e:0', heartbeatMs: 100 });
      socket.send(new TextEncoder().encode(resume), { binary: true });
    });
    const transport = createWebSocketTransport({
      room: 'r',
      clientId: 'c',
      name: 'n',
      since: null,
      baseUrl: `http://127.0.0.1:${address.port}`,
      reconnect: { baseDelayMs: 10 },
    });
    const resumes: string[] = [];
    transport.onResume((resume) => resumes.push(resume.cursor));
    transport.open();
    try {
      const deadline = Date.now() + 5_000;
      while (connections < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(resumes[0]).toBe('e:0');
      expect(connections).toBeGreaterThanOrEqual(2);
      // 2 × 100 ms + slack, then our private close code.
      expect(closeCodes[0]).toBe(4000);
    } finally {
      transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 10_000);
});
