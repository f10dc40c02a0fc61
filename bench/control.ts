/**
 * The control channel between the load generator and a server child (ours or a reference), over Node's
 * IPC. The child says `ready` with its port; the generator asks for `probe`s (memory after an optional GC,
 * CPU time so far, open subscribers) and finally `exit`. A child whose parent dies exits too (IPC
 * disconnect), so no server outlives a crashed run.
 */
import { writeHeapSnapshot } from 'node:v8';
import { z } from 'zod';

export const ToServer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('probe'), id: z.number(), gc: z.boolean() }),
  /** Writes a heap snapshot (for finding what a connection retains); answered by a probe with the same id. */
  z.object({ type: z.literal('snapshot'), id: z.number(), path: z.string() }),
  z.object({ type: z.literal('exit') }),
]);
export type ToServer = z.infer<typeof ToServer>;

export const Probe = z.object({
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
  cpuUserMicros: z.number(),
  cpuSystemMicros: z.number(),
  /** Open subscribers: WebSockets, SSE streams and held long polls the server is holding. */
  subscribers: z.number(),
  gcExposed: z.boolean(),
});
export type Probe = z.infer<typeof Probe>;

export const FromServer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), port: z.number() }),
  z.object({ type: z.literal('probe'), id: z.number(), probe: Probe }),
]);
export type FromServer = z.infer<typeof FromServer>;

export interface ServedChild {
  port: number;
  subscribers(): number;
  close(): Promise<void>;
}

/** GC passes before a memory reading: weak maps and finalizers can need more than one. */
const GC_PASSES = 3;

function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  for (let pass = 0; pass < GC_PASSES; pass += 1) gc();
  return true;
}

function probe(child: ServedChild, gcExposed: boolean): Probe {
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    cpuUserMicros: cpu.user,
    cpuSystemMicros: cpu.system,
    subscribers: child.subscribers(),
    gcExposed,
  };
}

/** Runs in the server child: answers the generator until told to exit. */
export function serveControl(child: ServedChild): void {
  const send = (message: FromServer) => process.send?.(message);
  process.on('message', (raw: unknown) => {
    const message = ToServer.parse(raw);
    switch (message.type) {
      case 'snapshot':
        collectGarbage();
        writeHeapSnapshot(message.path);
        send({ type: 'probe', id: message.id, probe: probe(child, true) });
        return;
      case 'probe': {
        const gcExposed = message.gc ? collectGarbage() : typeof globalThis.gc === 'function';
        send({ type: 'probe', id: message.id, probe: probe(child, gcExposed) });
        return;
      }
      case 'exit':
        // A clean exit, so --cpu-prof and --heap-prof write their files.
        void child.close().finally(() => process.exit(0));
        return;
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: child.port });
}

/** The argument a server child is started with: JSON options, validated by the child. */
export function childOptions<T>(schema: z.ZodType<T>): T {
  return schema.parse(JSON.parse(process.argv[2] ?? '{}'));
}
