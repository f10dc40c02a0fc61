/** One measurement against one freshly started server child, which is always stopped afterwards. */
import { ServerChild, type ServerKind, type TypeScriptLoader } from '../processes.ts';
import type { OursOptions } from '../serve-ours.ts';

/** A server to measure: its kind, and for ours the build options. */
export interface Subject {
  /** Shown in logs and tables, e.g. "ours", "bare ws", "ours, capture all". */
  label: string;
  kind: ServerKind;
  options?: OursOptions;
  /** Default tsx, as `npm start` runs. */
  loader?: TypeScriptLoader;
}

export interface Measured {
  /** The figure the goal compares, in the goal's unit. */
  values: Record<string, number>;
  /** Generator CPU over the measured window (fraction of one core). */
  generatorCpu: number;
  /** Server CPU over the measured window (fraction of one core), when measured. */
  serverCpu?: number;
}

/** Starts the subject's server, runs `measure`, then stops the server and releases the load clients. */
export async function withServer(
  subject: Subject,
  measure: (server: ServerChild, release: (close: () => void) => void) => Promise<Measured>,
): Promise<Measured> {
  const server = await ServerChild.start(subject.kind, subject.options, subject.loader);
  const releases: Array<() => void> = [];
  try {
    return await measure(server, (close) => releases.push(close));
  } finally {
    // Server first: its side then holds the TIME_WAIT sockets, not the generator's ports.
    await server.stop();
    for (const close of releases) close();
  }
}

export function cpuFraction(
  before: { cpuUserMicros: number; cpuSystemMicros: number },
  after: { cpuUserMicros: number; cpuSystemMicros: number },
  elapsedMs: number,
): number {
  const micros = after.cpuUserMicros + after.cpuSystemMicros - before.cpuUserMicros - before.cpuSystemMicros;
  return micros / 1_000 / elapsedMs;
}
