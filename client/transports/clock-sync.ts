/**
 * Clock offset between this page and the server, estimated NTP style (RFC 5905 section 8, reduced to
 * one request/answer pair): the page sends its clock t0, the server answers with its clock t1 read as
 * the request arrived, the page reads its clock t2 on receipt. If the two legs took equally long, the
 * server read t1 at page time t0 + rtt/2, so offset = t1 - (t0 + rtt/2). The legs are rarely equal,
 * but the error is at most rtt/2 either way, so the sample with the smallest round trip is the most
 * trustworthy one and rtt/2 is an honest uncertainty. Pure: no timers, no sockets.
 */

/** Samples older than this (by page clock) stop competing: clocks drift, and a stale best is not best. */
export const CLOCK_SAMPLE_MAX_AGE_MS = 5 * 60_000;
/** How many samples the estimator remembers; at one every 10 s that is more than the max age holds. */
export const MAX_CLOCK_SAMPLES = 64;
/** An answer that took longer than this is from a stalled connection and says nothing useful. */
export const MAX_USEFUL_ROUND_TRIP_MS = 30_000;

export interface ClockSample {
  /** t0: page clock when the request was sent. */
  clientSentMs: number;
  /** t1: server clock when the request arrived. */
  serverNowMs: number;
  /** t2: page clock when the answer arrived. */
  clientReceivedMs: number;
}

export interface ClockEstimate {
  /** Server clock minus page clock: add it to a page time to get the server time. */
  offsetMs: number;
  /** Half the round trip of the sample the offset came from: the offset is right within this much. */
  uncertaintyMs: number;
  roundTripMs: number;
}

/** The page clock on the same scale the server stamps with: `performance.timeOrigin + performance.now()`. */
export function pageNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** One sample's estimate, or null when the sample cannot be right (not finite, negative or huge round trip). */
export function estimateFromSample(sample: ClockSample): ClockEstimate | null {
  const { clientSentMs, serverNowMs, clientReceivedMs } = sample;
  if (![clientSentMs, serverNowMs, clientReceivedMs].every(Number.isFinite)) return null;
  const roundTripMs = clientReceivedMs - clientSentMs;
  if (roundTripMs < 0 || roundTripMs > MAX_USEFUL_ROUND_TRIP_MS) return null;
  return {
    offsetMs: serverNowMs - (clientSentMs + roundTripMs / 2),
    uncertaintyMs: roundTripMs / 2,
    roundTripMs,
  };
}

export interface ClockEstimatorOptions {
  maxAgeMs?: number;
  maxSamples?: number;
}

interface KeptSample {
  receivedMs: number;
  estimate: ClockEstimate;
}

/** Keeps recent samples and answers with the one that had the smallest round trip. */
export class ClockEstimator {
  readonly #maxAgeMs: number;
  readonly #maxSamples: number;
  #samples: KeptSample[] = [];

  constructor(options: ClockEstimatorOptions = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? CLOCK_SAMPLE_MAX_AGE_MS;
    this.#maxSamples = options.maxSamples ?? MAX_CLOCK_SAMPLES;
  }

  /** Adds a sample and returns the best estimate now; a sample that cannot be right is ignored. */
  add(sample: ClockSample): ClockEstimate | null {
    const estimate = estimateFromSample(sample);
    if (estimate) {
      this.#samples.push({ receivedMs: sample.clientReceivedMs, estimate });
      if (this.#samples.length > this.#maxSamples) this.#samples.shift();
    }
    return this.best(sample.clientReceivedMs);
  }

  /** The smallest-round-trip estimate among samples no older than the max age at page time nowMs. */
  best(nowMs: number): ClockEstimate | null {
    this.#samples = this.#samples.filter((kept) => nowMs - kept.receivedMs <= this.#maxAgeMs);
    let best: ClockEstimate | null = null;
    for (const { estimate } of this.#samples) {
      if (best === null || estimate.roundTripMs < best.roundTripMs) best = estimate;
    }
    return best;
  }

  get sampleCount(): number {
    return this.#samples.length;
  }
}
