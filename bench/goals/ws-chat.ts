/**
 * WebSocket chat on one room: throughput in bursts (goals 1 and 6), fan-out completion to many receivers
 * (goal 4) and a single client's round trip (goal 5). Our server and the bare `ws` reference take the
 * same frames.
 */
import { endpointsFor } from '../load/targets.ts';
import { WsPeers } from '../load/ws-peers.ts';
import { median, percentile, sleep, startCpuWindow } from '../stats.ts';
import { cpuFraction, type Measured, type Subject, withServer } from './trial.ts';

const BURST_TIMEOUT_MS = 30_000;

export interface ThroughputParams {
  clients: number;
  messagesPerClient: number;
  warmupMs: number;
  measureMs: number;
}

/**
 * Every client sends `messagesPerClient` frames at once; the burst ends when every delivery and ack has
 * arrived; bursts repeat for `measureMs`. Deliveries per second counted at the receivers.
 */
export function chatThroughput(subject: Subject, params: ThroughputParams): Promise<Measured> {
  return withServer(subject, async (server, release) => {
    const endpoints = endpointsFor(subject.kind, server.origin);
    const peers = await WsPeers.open(endpoints.ws, params.clients);
    release(() => peers.destroy());
    const perBurst = params.clients * params.messagesPerClient;
    const burst = async () => {
      const messages = peers.messages.value + perBurst * params.clients;
      const acks = peers.acks.value + perBurst;
      for (let round = 0; round < params.messagesPerClient; round += 1) {
        for (let client = 0; client < params.clients; client += 1) peers.send(client);
      }
      await peers.messages.reach(messages, BURST_TIMEOUT_MS, `${subject.label} deliveries`);
      await peers.acks.reach(acks, BURST_TIMEOUT_MS, `${subject.label} acks`);
    };
    const warmupEnd = performance.now() + params.warmupMs;
    while (performance.now() < warmupEnd) await burst();

    const before = await server.probe();
    const generatorCpu = startCpuWindow();
    const startMs = performance.now();
    const startDeliveries = peers.messages.value;
    do await burst();
    while (performance.now() - startMs < params.measureMs);
    const elapsedMs = performance.now() - startMs;
    const deliveries = peers.messages.value - startDeliveries;
    const generator = generatorCpu();
    const after = await server.probe();
    const serverCpuMicros =
      after.cpuUserMicros + after.cpuSystemMicros - before.cpuUserMicros - before.cpuSystemMicros;
    return {
      values: {
        deliveriesPerSecond: (deliveries / elapsedMs) * 1_000,
        // Robust to other load on the machine, unlike a rate: CPU time spent, not wall time waited.
        serverCpuMicrosPerDelivery: serverCpuMicros / deliveries,
      },
      generatorCpu: generator,
      serverCpu: cpuFraction(before, after, elapsedMs),
    };
  });
}

export interface FanoutParams {
  receivers: number;
  warmupPublishes: number;
  publishes: number;
}

/** One peer sends; the time until the last of `receivers` has the message. Median over `publishes`. */
export function wsFanout(subject: Subject, params: FanoutParams): Promise<Measured> {
  return withServer(subject, async (server, release) => {
    const endpoints = endpointsFor(subject.kind, server.origin);
    const peers = await WsPeers.open(endpoints.ws, params.receivers);
    release(() => peers.destroy());
    await server.waitForSubscribers(params.receivers, BURST_TIMEOUT_MS);
    await sleep(200);
    const timesMs: number[] = [];
    let generatorCpu = 0;
    for (let index = 0; index < params.warmupPublishes + params.publishes; index += 1) {
      const target = peers.messages.value + params.receivers;
      const cpu = startCpuWindow();
      const startMs = performance.now();
      peers.send(0);
      await peers.messages.reach(target, BURST_TIMEOUT_MS, `${subject.label} fan-out`);
      if (index >= params.warmupPublishes) {
        timesMs.push(performance.now() - startMs);
        generatorCpu = Math.max(generatorCpu, cpu());
      }
      await sleep(20);
    }
    return { values: { completionMs: median(timesMs) }, generatorCpu };
  });
}

export interface RoundTripParams {
  warmup: number;
  samples: number;
}

/** One client alone in the room: each call sends, and resolves with the time until its own message is back. */
function roundTripper(peers: WsPeers, label: string): () => Promise<number> {
  return async () => {
    const target = peers.messages.value + 1;
    const startMs = performance.now();
    peers.send(0);
    await peers.messages.reach(target, BURST_TIMEOUT_MS, `${label} round trip`);
    return performance.now() - startMs;
  };
}

/** One client alone in the room: send, and time until its own message comes back. */
export function wsRoundTrip(subject: Subject, params: RoundTripParams): Promise<Measured> {
  return withServer(subject, async (server, release) => {
    const endpoints = endpointsFor(subject.kind, server.origin);
    const peers = await WsPeers.open(endpoints.ws, 1);
    release(() => peers.destroy());
    const samplesMs: number[] = [];
    const roundTrip = roundTripper(peers, subject.label);
    for (let index = 0; index < params.warmup; index += 1) await roundTrip();
    const before = await server.probe();
    const cpu = startCpuWindow();
    for (let index = 0; index < params.samples; index += 1) samplesMs.push(await roundTrip());
    const generatorCpu = cpu();
    const after = await server.probe();
    const serverCpuMicros =
      after.cpuUserMicros + after.cpuSystemMicros - before.cpuUserMicros - before.cpuSystemMicros;
    return {
      values: {
        p50Ms: percentile(samplesMs, 50),
        p99Ms: percentile(samplesMs, 99),
        serverCpuMicrosPerRoundTrip: serverCpuMicros / params.samples,
      },
      generatorCpu,
    };
  });
}

/**
 * Goal 5 with both servers in one trial: one client each, round trips alternating between them (A then B,
 * then B then A), so a stall of this machine falls on both alike. Trials of one server at a time left a
 * single client's p99 to a few 1-2 ms stalls, and the reference's own p99 moved 1.2-3.6x between rounds.
 */
export function wsRoundTripPaired(
  reference: Subject,
  ours: Subject,
  params: RoundTripParams,
): Promise<Measured> {
  return withServer(reference, (referenceServer, releaseReference) =>
    withServer(ours, async (oursServer, releaseOurs) => {
      const referencePeers = await WsPeers.open(endpointsFor(reference.kind, referenceServer.origin).ws, 1);
      releaseReference(() => referencePeers.destroy());
      const oursPeers = await WsPeers.open(endpointsFor(ours.kind, oursServer.origin).ws, 1);
      releaseOurs(() => oursPeers.destroy());
      const referenceTrip = roundTripper(referencePeers, reference.label);
      const oursTrip = roundTripper(oursPeers, ours.label);
      for (let index = 0; index < params.warmup; index += 1) {
        await referenceTrip();
        await oursTrip();
      }
      const referenceMs: number[] = [];
      const oursMs: number[] = [];
      const cpu = startCpuWindow();
      for (let index = 0; index < params.samples; index += 1) {
        if (index % 2 === 0) {
          referenceMs.push(await referenceTrip());
          oursMs.push(await oursTrip());
        } else {
          oursMs.push(await oursTrip());
          referenceMs.push(await referenceTrip());
        }
      }
      return {
        values: {
          referenceP50Ms: percentile(referenceMs, 50),
          referenceP99Ms: percentile(referenceMs, 99),
          oursP50Ms: percentile(oursMs, 50),
          oursP99Ms: percentile(oursMs, 99),
        },
        generatorCpu: cpu(),
      };
    }),
  );
}
