import { describe, expect, it } from 'vitest';
import { splitOneShot } from './rehearse-slice.ts';

describe('splitOneShot', () => {
  it('keeps the faults that fire once apart, to be armed after the new connection opened', () => {
    expect(splitOneShot({ dropNext: 1, delayToClientMs: 200, cutNextSseEvent: true })).toEqual({
      atConnect: { delayToClientMs: 200 },
      oneShot: { dropNext: 1, cutNextSseEvent: true },
    });
  });

  it('leaves a demo without them whole', () => {
    expect(splitOneShot({ blockUpgrade: true })).toEqual({ atConnect: { blockUpgrade: true }, oneShot: {} });
    expect(splitOneShot({})).toEqual({ atConnect: {}, oneShot: {} });
  });
});
