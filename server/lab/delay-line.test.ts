import { describe, expect, it } from 'vitest';
import { DelayLine, sampleDelayMs } from './delay-line.ts';

describe('DelayLine', () => {
  it('runs at once, in the caller turn, with no delay and nothing queued', () => {
    const line = new DelayLine(() => ({ delayMs: 0, jitterMs: 0 }));
    const ran: number[] = [];
    line.push(() => ran.push(1));
    expect(ran).toEqual([1]);
  });

  it('keeps order under jitter, and a unit pushed after the delay is removed still waits its turn', async () => {
    let path = { delayMs: 5, jitterMs: 40 };
    const line = new DelayLine(() => path);
    const ran: number[] = [];
    for (let index = 0; index < 50; index += 1) line.push(() => ran.push(index), 10);
    expect(line.queuedBytes).toBe(500);
    path = { delayMs: 0, jitterMs: 0 };
    line.push(() => ran.push(50));
    expect(ran).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(ran).toEqual(Array.from({ length: 51 }, (_, index) => index));
    expect(line.queuedBytes).toBe(0);
  });

  it('close() drops what is on the way and refuses more', async () => {
    const line = new DelayLine(() => ({ delayMs: 10, jitterMs: 0 }));
    const ran: number[] = [];
    line.push(() => ran.push(1));
    line.close();
    line.push(() => ran.push(2));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ran).toEqual([]);
  });

  it('samples delay plus 0..jitter', () => {
    expect(sampleDelayMs({ delayMs: 10, jitterMs: 0 })).toBe(10);
    expect(sampleDelayMs({ delayMs: 10, jitterMs: 5 }, () => 0)).toBe(10);
    expect(sampleDelayMs({ delayMs: 10, jitterMs: 5 }, () => 0.999)).toBe(15);
  });
});
