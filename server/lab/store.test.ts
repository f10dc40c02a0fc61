import { describe, expect, it } from 'vitest';
import { DEFAULT_LAB_SETTINGS, type LabSettings } from '../../protocol/lab.ts';
import { LabStore } from './store.ts';

describe('LabStore', () => {
  it('keeps only non-default clients, merges patches, and forgets the least recently used past the cap', () => {
    const store = new LabStore(2);
    expect(store.settings('a')).toEqual(DEFAULT_LAB_SETTINGS);
    store.update('a', { delayToClientMs: 10 });
    store.update('a', { wsBinary: true });
    expect(store.settings('a')).toMatchObject({ delayToClientMs: 10, wsBinary: true });
    store.update('b', { dropNext: 1 });
    store.settings('a');
    store.update('c', { stopHeartbeats: true });
    expect(store.size).toBe(2);
    expect(store.settings('b')).toEqual(DEFAULT_LAB_SETTINGS);
    store.update('a', { delayToClientMs: 0, wsBinary: false });
    expect(store.size).toBe(1);
  });

  it('one-shots count down and switch off, telling listeners each time', () => {
    const store = new LabStore(10);
    const seen: Readonly<LabSettings>[] = [];
    const stop = store.onChange((clientId, settings) => {
      if (clientId === 'a') seen.push(settings);
    });
    store.update('a', { dropNext: 2, cutNextSseEvent: true });
    expect([store.takeDrop('a'), store.takeDrop('a'), store.takeDrop('a')]).toEqual([true, true, false]);
    expect([store.takeSseCut('a'), store.takeSseCut('a')]).toEqual([true, false]);
    expect(store.takeDrop('b')).toBe(false);
    expect(seen.map((settings) => [settings.dropNext, settings.cutNextSseEvent])).toEqual([
      [2, true],
      [1, true],
      [0, true],
      [0, false],
    ]);
    expect(store.size).toBe(0);
    stop();
    store.update('a', { dropNext: 1 });
    expect(seen).toHaveLength(4);
  });

  it('tells the listeners of an evicted client that it is back to the defaults', () => {
    const store = new LabStore(1);
    const seen: Readonly<LabSettings>[] = [];
    store.onChange((clientId, settings) => {
      if (clientId === 'a') seen.push(settings);
    });
    store.update('a', { idleTimeoutMs: 1_000 });
    store.update('b', { idleTimeoutMs: 1_000 });
    expect(seen.at(-1)).toEqual(DEFAULT_LAB_SETTINGS);
  });
});
