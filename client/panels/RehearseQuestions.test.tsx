import { describe, expect, it } from 'vitest';
import { describeDemo } from './RehearseQuestions.tsx';

describe('describeDemo', () => {
  it('names the transport, the lab settings that differ from the defaults, and the tab', () => {
    expect(
      describeDemo({
        transport: 'websocket',
        lab: { stopHeartbeats: true, idleTimeoutMs: 30_000, dropNext: 0 },
        tab: 'sequence',
        watch: '',
      }),
    ).toBe('WebSocket · lab: Proxy idle timeout (ms, 0 is off) = 30000, Stop heartbeats · Sequence diagram');
  });

  it('says when the lab stays at its defaults', () => {
    expect(describeDemo({ transport: 'auto', lab: {}, tab: 'race', watch: '' })).toBe(
      'Auto (fallback) · lab at its defaults · Race',
    );
  });
});
