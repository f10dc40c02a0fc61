import { describe, expect, it } from 'vitest';
import { describeKill } from './lab-slice.ts';

describe('describeKill', () => {
  it('says what a kill did', () => {
    expect(describeKill({ mode: 'clean', code: 1012 }, 1)).toBe('Ended 1 connection cleanly with 1012.');
    expect(describeKill({ mode: 'reset' }, 2)).toBe('Reset 2 connections (TCP RST, no close frame).');
    expect(describeKill({ mode: 'reset' }, 0)).toMatch(/^Nothing to end/);
  });
});
