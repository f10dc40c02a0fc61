/**
 * SSE and long polling under many subscribers: server CPU per delivered SSE event (goal 2) and the time
 * from a publish to the last receiver (goal 4), for our server and the raw node:http references.
 */
import { cursorOf, fetchJson, keepAliveAgent, LongPolls, publish, SseStreams } from '../load/http-peers.ts';
import { endpointsFor } from '../load/targets.ts';
import { median, sleep, startCpuWindow } from '../stats.ts';
import { type Measured, type Subject, withServer } from './trial.ts';

const DELIVERY_TIMEOUT_MS = 60_000;

export interface PushParams {
  subscribers: number;
  warmupPublishes: number;
  publishes: number;
}

/**
 * `subscribers` SSE streams; each publish waits for every stream to have the event. Reports the server's
 * CPU per delivered event over the measured publishes and the median publish-to-last-receiver time.
 */
export function sseDelivery(subject: Subject, params: PushParams): Promise<Measured> {
  return withServer(subject, async (server, release) => {
    const endpoints = endpointsFor(subject.kind, server.origin);
    const streams = await SseStreams.open(endpoints.sse, params.subscribers);
    release(() => streams.destroy());
    await server.waitForSubscribers(params.subscribers, DELIVERY_TIMEOUT_MS);
    // Our first stream's presence join reaches the others as history: let it settle before counting.
    await sleep(300);
    const publisher = keepAliveAgent();
    release(() => publisher.destroy());
    const publishAndWait = async () => {
      const target = streams.events.value + params.subscribers;
      const startMs = performance.now();
      await publish(publisher, endpoints.publish());
      await streams.events.reach(target, DELIVERY_TIMEOUT_MS, `${subject.label} SSE events`);
      return performance.now() - startMs;
    };
    for (let index = 0; index < params.warmupPublishes; index += 1) await publishAndWait();

    const before = await server.probe();
    const generatorCpu = startCpuWindow();
    const startEvents = streams.events.value;
    const timesMs: number[] = [];
    for (let index = 0; index < params.publishes; index += 1) timesMs.push(await publishAndWait());
    const generator = generatorCpu();
    const after = await server.probe();
    const events = streams.events.value - startEvents;
    const cpuMicros =
      after.cpuUserMicros + after.cpuSystemMicros - before.cpuUserMicros - before.cpuSystemMicros;
    return {
      values: { cpuMicrosPerEvent: cpuMicros / events, completionMs: median(timesMs) },
      generatorCpu: generator,
    };
  });
}

/**
 * `subscribers` held long polls; each publish waits for every poll to be answered. An answered poll asks
 * again at once from its new cursor (as a client does); the next publish waits until all are held again.
 */
export function longPollFanout(subject: Subject, params: PushParams): Promise<Measured> {
  return withServer(subject, async (server, release) => {
    const endpoints = endpointsFor(subject.kind, server.origin);
    const publisher = keepAliveAgent();
    release(() => publisher.destroy());
    const polls = new LongPolls(endpoints.longPoll);
    release(() => polls.destroy());
    // Ours announces the poller's join on this poll; its cursor is after that join.
    const since = cursorOf(await fetchJson(publisher, endpoints.poll()));
    await polls.start(params.subscribers, since);
    const timesMs: number[] = [];
    let generatorCpu = 0;
    for (let index = 0; index < params.warmupPublishes + params.publishes; index += 1) {
      await server.waitForSubscribers(params.subscribers, DELIVERY_TIMEOUT_MS);
      const target = polls.answers.value + params.subscribers;
      const cpu = startCpuWindow();
      const startMs = performance.now();
      await publish(publisher, endpoints.publish());
      await polls.answers.reach(target, DELIVERY_TIMEOUT_MS, `${subject.label} long-poll answers`);
      if (index >= params.warmupPublishes) {
        timesMs.push(performance.now() - startMs);
        generatorCpu = Math.max(generatorCpu, cpu());
      }
    }
    return { values: { completionMs: median(timesMs) }, generatorCpu };
  });
}
