import { describe, expect, it } from 'vitest';
import {
  connectedKind,
  describeAttempts,
  FALLBACK_ORDER,
  failureReason,
  judgeAttempt,
  nextKind,
  type TransportAttempt,
} from './fallback.ts';

describe('nextKind', () => {
  it('walks WebSocket, SSE, long polling, then says every one was tried', () => {
    expect(nextKind(FALLBACK_ORDER, null)).toBe('websocket');
    expect(nextKind(FALLBACK_ORDER, 'websocket')).toBe('sse');
    expect(nextKind(FALLBACK_ORDER, 'sse')).toBe('long-polling');
    expect(nextKind(FALLBACK_ORDER, 'long-polling')).toBeNull();
  });

  it('has nothing after a transport outside the order, and nothing in an empty order', () => {
    expect(nextKind(FALLBACK_ORDER, 'polling')).toBeNull();
    expect(nextKind([], null)).toBeNull();
  });
});

describe('judgeAttempt', () => {
  it('takes an open WebSocket or event stream as connected', () => {
    expect(judgeAttempt('websocket', { type: 'opened' })).toEqual({ type: 'connected' });
    expect(judgeAttempt('sse', { type: 'opened' })).toEqual({ type: 'connected' });
  });

  it('waits past a long poll saying open (it says so when the request leaves) for its answer', () => {
    expect(judgeAttempt('long-polling', { type: 'opened' })).toEqual({ type: 'wait' });
    expect(judgeAttempt('long-polling', { type: 'resumed' })).toEqual({ type: 'connected' });
  });

  it('fails a handshake still pending at the deadline, but keeps a long poll the server is holding', () => {
    expect(judgeAttempt('websocket', { type: 'timed-out', afterMs: 4_000 })).toEqual({
      type: 'failed',
      reason: 'did not open within 4 s',
    });
    expect(judgeAttempt('sse', { type: 'timed-out', afterMs: 1_500 })).toEqual({
      type: 'failed',
      reason: 'did not open within 1.5 s',
    });
    expect(judgeAttempt('long-polling', { type: 'timed-out', afterMs: 4_000 })).toEqual({
      type: 'connected',
      note: 'the server is holding the request',
    });
  });

  it('fails on any failure before the verdict, with the reason the browser could see', () => {
    expect(judgeAttempt('websocket', { type: 'failed', error: 'closed with 1006', closeCode: 1006 })).toEqual(
      {
        type: 'failed',
        reason: 'failed before opening (upgrade refused or blocked)',
      },
    );
  });
});

describe('failureReason', () => {
  it('names what each transport lets the page see', () => {
    expect(failureReason('websocket', { closeCode: 1006 })).toBe(
      'failed before opening (upgrade refused or blocked)',
    );
    expect(failureReason('websocket', { closeCode: 1008 })).toBe('closed with 1008 before opening');
    expect(failureReason('sse', { error: 'the event stream failed' })).toBe(
      'failed before opening (the stream was refused or unreachable)',
    );
    expect(failureReason('long-polling', { error: 'Failed to fetch' })).toBe('failed: Failed to fetch');
    expect(failureReason('long-polling', {})).toBe('failed');
  });
});

describe('describeAttempts', () => {
  const attempts: TransportAttempt[] = [
    {
      kind: 'websocket',
      state: 'failed',
      startedAtMs: 0,
      reason: 'failed before opening (upgrade refused or blocked)',
    },
    { kind: 'sse', state: 'connected', startedAtMs: 10 },
  ];

  it('reads as one line, oldest first', () => {
    expect(describeAttempts(attempts)).toBe(
      'WebSocket: failed before opening (upgrade refused or blocked) → SSE: connected',
    );
    expect(describeAttempts([{ kind: 'websocket', state: 'trying', startedAtMs: 0 }])).toBe(
      'WebSocket: trying…',
    );
    expect(
      describeAttempts([
        {
          kind: 'long-polling',
          state: 'connected',
          startedAtMs: 0,
          reason: 'the server is holding the request',
        },
      ]),
    ).toBe('Long polling: connected (the server is holding the request)');
  });

  it('knows which transport the attempts settled on', () => {
    expect(connectedKind(attempts)).toBe('sse');
    expect(connectedKind(attempts.slice(0, 1))).toBeNull();
  });
});
