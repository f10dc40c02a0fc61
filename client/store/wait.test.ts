import { describe, expect, it } from 'vitest';
import { waitUntil } from './wait.ts';

describe('waitUntil', () => {
  it('resolves when done is called, and unsubscribes once', async () => {
    let unsubscribed = 0;
    const dones: (() => void)[] = [];
    const waiting = waitUntil((done) => {
      dones.push(done);
      return () => {
        unsubscribed += 1;
      };
    }, 60_000);
    for (const done of [...dones, ...dones]) done();
    await waiting;
    expect(unsubscribed).toBe(1);
  });

  it('resolves after the timeout when done never comes, and unsubscribes', async () => {
    let unsubscribed = 0;
    const startedMs = performance.now();
    await waitUntil(
      () => () => {
        unsubscribed += 1;
      },
      30,
    );
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(25);
    expect(unsubscribed).toBe(1);
  });

  it('unsubscribes when done is called during the subscription itself', async () => {
    let unsubscribed = 0;
    await waitUntil((done) => {
      done();
      return () => {
        unsubscribed += 1;
      };
    }, 60_000);
    expect(unsubscribed).toBe(1);
  });
});
