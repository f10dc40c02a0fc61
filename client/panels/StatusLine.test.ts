import { describe, expect, it } from 'vitest';
import { describeDrops, describeStatus, type StatusFacts } from './StatusLine.tsx';

const base: StatusFacts = {
  joined: true,
  status: 'open',
  kind: 'websocket',
  active: 'websocket',
  error: null,
  retryInMs: null,
  retryAttempt: null,
};

describe('describeStatus', () => {
  it('names the transport Auto picked, or Auto while it is still trying', () => {
    expect(describeStatus({ ...base, kind: 'auto', active: 'sse' })).toBe(
      'Connected via Server-Sent Events, picked by Auto.',
    );
    expect(describeStatus({ ...base, kind: 'auto', active: null, status: 'connecting' })).toBe(
      'Connecting via Auto (fallback)…',
    );
  });

  it('says which retry comes and when', () => {
    expect(
      describeStatus({
        ...base,
        status: 'reconnecting',
        error: 'closed with 1006',
        retryInMs: 1_250,
        retryAttempt: 2,
      }),
    ).toBe('Reconnecting via WebSocket (closed with 1006). Retry 2 in 1.3 s.');
  });
});

describe('describeDrops', () => {
  it('stays silent until a drop, then keeps the last one', () => {
    expect(describeDrops(0, null)).toBeNull();
    const text = describeDrops(2, { error: 'closed with 1012', closeCode: 1012, atMs: 0 });
    expect(text).toMatch(/^Dropped 2 times; last: closed with 1012 at /);
  });
});
