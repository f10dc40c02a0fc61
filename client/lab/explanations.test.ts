import { describe, expect, it } from 'vitest';
import { DEFAULT_LAB_SETTINGS } from '../../protocol/lab.ts';
import { describeChanged, SETTING_GROUPS, SETTING_TEXTS } from './explanations.ts';

describe('describeChanged', () => {
  it('lists what the server holds beyond the defaults', () => {
    expect(describeChanged(DEFAULT_LAB_SETTINGS)).toMatch(/no faults/);
    expect(describeChanged({ ...DEFAULT_LAB_SETTINGS, blockUpgrade: true, dropNext: 2 })).toBe(
      'The server holds: Lose the next deliveries (count) = 2; Block WebSocket upgrades.',
    );
  });
});

describe('setting groups', () => {
  it('place every setting exactly once', () => {
    const placed = SETTING_GROUPS.flatMap((group) => group.keys);
    expect(placed.toSorted()).toEqual(Object.keys(DEFAULT_LAB_SETTINGS).toSorted());
    expect(new Set(placed).size).toBe(placed.length);
    expect(Object.keys(SETTING_TEXTS).toSorted()).toEqual(placed.toSorted());
  });
});
