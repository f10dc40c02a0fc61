/** A fixed race for the tests and the golden file: the POST left at page time 5,000 ms. Tests only. */
import type { RaceInput } from './race.ts';

export const SENT_AT = 5_000;

export const FIXTURE_RACE: RaceInput = {
  sentAtMs: SENT_AT,
  // Server clock = page clock + 40; committed 3 ms after the send.
  committedAtMs: SENT_AT + 3 + 40,
  clock: { offsetMs: 40, uncertaintyMs: 0.5 },
  arrivals: {
    polling: SENT_AT + 1_204.6,
    'long-polling': SENT_AT + 5.8,
    sse: SENT_AT + 4.9,
    websocket: SENT_AT + 4.2,
  },
  requests: {
    polling: [
      { startMs: SENT_AT - 800, endMs: SENT_AT - 796 },
      { startMs: SENT_AT + 1_200, endMs: SENT_AT + 1_204 },
    ],
    'long-polling': [
      { startMs: SENT_AT - 3_000, endMs: SENT_AT + 5.5 },
      { startMs: SENT_AT + 6.4, endMs: SENT_AT + 9_000 },
    ],
  },
  pollIntervalMs: 2_000,
  timeoutMs: 8_000,
  finished: true,
};
