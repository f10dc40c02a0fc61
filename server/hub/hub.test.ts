import { afterEach, describe, expect, it } from 'vitest';
import { type ChatMessage, type Cursor, parseCursor, type ResumeOutcome } from '../../protocol/messages.ts';
import {
  type Broker,
  CursorAheadError,
  type HistoryAnswer,
  type MessageListener,
  type PublishInput,
  type PublishResult,
  type Unsubscribe,
} from './broker.ts';
import { Hub, type HubConfig, type NewerWait, type ReadAnswer } from './hub.ts';
import { MemoryBroker } from './memory-broker.ts';

const CONFIG: HubConfig = {
  maxMessageBytes: 10,
  presenceGraceMs: 50,
  sendRatePerSecond: 1000,
  sendBurst: 1000,
};

/** A real MemoryBroker with hooks around history(), to publish while a reader is between subscribe and history. */
class HookedBroker implements Broker {
  readonly inner = new MemoryBroker({ historyLimit: 100, snapshotSize: 50 });
  beforeHistory: (() => Promise<void>) | null = null;
  afterHistory: (() => Promise<void>) | null = null;
  subscriptions = 0;

  publish(input: PublishInput): Promise<PublishResult> {
    return this.inner.publish(input);
  }

  subscribe(room: string, listener: MessageListener): Unsubscribe {
    this.subscriptions += 1;
    const unsubscribe = this.inner.subscribe(room, listener);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.subscriptions -= 1;
      unsubscribe();
    };
  }

  async history(room: string, since: Cursor | null): Promise<HistoryAnswer> {
    await this.beforeHistory?.();
    const answer = await this.inner.history(room, since);
    await this.afterHistory?.();
    return answer;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function chat(room: string, id: string, from = 'ada', to?: string): PublishInput {
  return {
    room,
    id,
    from,
    kind: to === undefined ? 'chat' : 'private',
    text: id,
    ...(to === undefined ? {} : { to }),
  };
}

interface Recorded {
  resumes: { outcome: ResumeOutcome; baseCursor: string }[];
  messages: ChatMessage[];
  order: string[];
}

function recorder(): Recorded & {
  sink: { resume: (o: ResumeOutcome, c: string) => void; message: (m: ChatMessage) => void };
} {
  const recorded: Recorded = { resumes: [], messages: [], order: [] };
  return {
    ...recorded,
    sink: {
      resume: (outcome, baseCursor) => {
        recorded.resumes.push({ outcome, baseCursor });
        recorded.order.push('resume');
      },
      message: (message) => {
        recorded.messages.push(message);
        recorded.order.push(`m${message.seq}`);
      },
    },
  };
}

describe('Hub', () => {
  const hubs: Hub[] = [];
  function makeHub(config: HubConfig = CONFIG, broker: Broker = new HookedBroker()): Hub {
    const hub = new Hub(broker, config);
    hubs.push(hub);
    return hub;
  }
  afterEach(async () => {
    for (const hub of hubs.splice(0)) {
      hub.close();
      await hub.broker.close();
    }
  });

  describe('send', () => {
    it('stores a chat message and acks its seq and cursor', async () => {
      const hub = makeHub();
      const outcome = await hub.send('r', 'c1', { id: 'm1', from: 'ada', text: 'hello' });
      if (!outcome.ok) throw new Error(`send refused: ${outcome.message}`);
      expect(outcome.ack.seq).toBe(1);
      expect(parseCursor(outcome.ack.cursor)).toEqual({ epoch: outcome.ack.epoch, seq: 1 });
      expect(outcome.duplicate).toBe(false);
      const read = await hub.read('r', 'ada', null);
      expect(read.messages).toMatchObject([{ kind: 'chat', text: 'hello', from: 'ada', id: 'm1' }]);
    });

    it('a resent id answers the same seq and stores it once', async () => {
      const hub = makeHub();
      const first = await hub.send('r', 'c1', { id: 'm1', from: 'ada', text: 'hello' });
      const again = await hub.send('r', 'c1', { id: 'm1', from: 'ada', text: 'hello' });
      expect(first.ok && again.ok).toBe(true);
      if (!first.ok || !again.ok) return;
      expect(again.ack).toEqual(first.ack);
      expect(again.duplicate).toBe(true);
      expect((await hub.read('r', 'ada', null)).messages).toHaveLength(1);
    });

    it('a message to someone is private', async () => {
      const hub = makeHub();
      await hub.send('r', 'c1', { id: 'm1', from: 'ada', text: 'psst', to: 'bob' });
      expect((await hub.read('r', 'bob', null)).messages).toMatchObject([
        { kind: 'private', to: 'bob', from: 'ada' },
      ]);
    });

    it('counts the limit in UTF-8 bytes, not characters', async () => {
      const hub = makeHub();
      expect((await hub.send('r', 'c1', { id: 'm1', from: 'ada', text: 'x'.repeat(10) })).ok).toBe(true);
      // 6 characters, 12 bytes.
      const tooBig = await hub.send('r', 'c1', { id: 'm2', from: 'ada', text: 'éééééé' });
      expect(tooBig).toMatchObject({ ok: false, code: 'payload_too_large' });
      expect((await hub.read('r', 'ada', null)).messages).toHaveLength(1);
    });

    it('refuses past the send rate with a Retry-After, per client', async () => {
      const hub = makeHub({ ...CONFIG, sendRatePerSecond: 1, sendBurst: 2 });
      const results = [];
      for (const id of ['a', 'b', 'c'])
        results.push(await hub.send('r', 'c1', { id, from: 'ada', text: id }));
      expect(results.map((result) => result.ok)).toEqual([true, true, false]);
      expect(results[2]).toMatchObject({ ok: false, code: 'rate_limited', retryAfterSeconds: 1 });
      expect((await hub.send('r', 'c2', { id: 'd', from: 'bob', text: 'd' })).ok).toBe(true);
    });
  });

  describe('read (naive polling)', () => {
    it('shows a private message to its sender and its target only', async () => {
      const hub = makeHub();
      await hub.send('r', 'c1', { id: 'pub', from: 'ada', text: 'all' });
      await hub.send('r', 'c1', { id: 'priv', from: 'ada', text: 'bob only', to: 'bob' });
      const ids = async (viewer: string) => (await hub.read('r', viewer, null)).messages.map((m) => m.id);
      expect(await ids('ada')).toEqual(['pub', 'priv']);
      expect(await ids('bob')).toEqual(['pub', 'priv']);
      expect(await ids('eve')).toEqual(['pub']);
    });

    it('answers the head as the next cursor even when the newest message is hidden from the viewer', async () => {
      const hub = makeHub();
      await hub.send('r', 'c1', { id: 'priv', from: 'ada', text: 'x', to: 'bob' });
      const answer = await hub.read('r', 'eve', null);
      expect(answer.messages).toEqual([]);
      expect(parseCursor(answer.cursor)?.seq).toBe(1);
    });

    it('rejects a cursor past the head', async () => {
      const hub = makeHub();
      const head = parseCursor((await hub.read('r', 'ada', null)).cursor);
      if (!head) throw new Error('read answered an unparsable cursor');
      await expect(hub.read('r', 'ada', { epoch: head.epoch, seq: 1 })).rejects.toBeInstanceOf(
        CursorAheadError,
      );
    });
  });

  describe('follow', () => {
    it('calls resume first, with the cursor just before the first message', async () => {
      const broker = new HookedBroker();
      const hub = makeHub(CONFIG, broker);
      for (const id of ['a', 'b', 'c']) await broker.publish(chat('r', id));
      const epoch = (await broker.history('r', null)).head.epoch;
      const rec = recorder();
      const unsubscribe = await hub.follow('r', 'ada', { epoch, seq: 1 }, rec.sink);
      unsubscribe();
      expect(rec.order).toEqual(['resume', 'm2', 'm3']);
      expect(rec.resumes).toEqual([{ outcome: { recovered: true }, baseCursor: `${epoch}:1` }]);
    });

    it('has no gap and no duplicate when messages are published while history is read', async () => {
      const broker = new HookedBroker();
      const hub = makeHub(CONFIG, broker);
      for (const id of ['h1', 'h2']) await broker.publish(chat('r', id));
      // Published after subscribe but before history is read: in history AND in the live buffer.
      broker.beforeHistory = async () => {
        await broker.publish(chat('r', 'both1'));
        await broker.publish(chat('r', 'both2'));
      };
      // Published after history is read but before follow finishes: only in the live buffer.
      broker.afterHistory = async () => {
        await broker.publish(chat('r', 'live1'));
        await broker.publish(chat('r', 'live2'));
      };
      const rec = recorder();
      const unsubscribe = await hub.follow('r', 'ada', null, rec.sink);
      broker.beforeHistory = null;
      broker.afterHistory = null;
      await broker.publish(chat('r', 'after'));
      unsubscribe();
      await broker.publish(chat('r', 'unsubscribed'));
      expect(rec.messages.map((message) => message.id)).toEqual([
        'h1',
        'h2',
        'both1',
        'both2',
        'live1',
        'live2',
        'after',
      ]);
      expect(rec.messages.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(rec.order[0]).toBe('resume');
    });

    it('hides private messages of others, live and from history', async () => {
      const broker = new HookedBroker();
      const hub = makeHub(CONFIG, broker);
      await broker.publish(chat('r', 'old-private', 'ada', 'bob'));
      const eve = recorder();
      const bob = recorder();
      const offEve = await hub.follow('r', 'eve', null, eve.sink);
      const offBob = await hub.follow('r', 'bob', null, bob.sink);
      await broker.publish(chat('r', 'new-private', 'ada', 'bob'));
      await broker.publish(chat('r', 'public'));
      offEve();
      offBob();
      expect(eve.messages.map((message) => message.id)).toEqual(['public']);
      expect(bob.messages.map((message) => message.id)).toEqual(['old-private', 'new-private', 'public']);
    });

    it('reports recovered:false with the reason and a snapshot', async () => {
      const broker = new HookedBroker();
      const hub = makeHub(CONFIG, broker);
      await broker.publish(chat('r', 'a'));
      const rec = recorder();
      const unsubscribe = await hub.follow('r', 'ada', { epoch: 'elsewhere', seq: 5 }, rec.sink);
      unsubscribe();
      expect(rec.resumes[0]?.outcome).toEqual({ recovered: false, reason: 'epoch_changed' });
      expect(rec.messages.map((message) => message.id)).toEqual(['a']);
    });

    it('rejects a cursor past the head and leaves no subscription behind', async () => {
      const broker = new HookedBroker();
      const hub = makeHub(CONFIG, broker);
      const epoch = (await broker.history('r', null)).head.epoch;
      const rec = recorder();
      await expect(hub.follow('r', 'ada', { epoch, seq: 3 }, rec.sink)).rejects.toBeInstanceOf(
        CursorAheadError,
      );
      expect(broker.subscriptions).toBe(0);
      expect(rec.order).toEqual([]);
    });
  });

  describe('holdForNewer (long polling)', () => {
    /** The one answer the hub gives a held poll, as the route's sink gets it; `onHeld` sees the wait. */
    async function holdAnswer(
      hub: Hub,
      room: string,
      viewer: string,
      since: Cursor | null,
      timeoutMs: number,
      onHeld?: (wait: NewerWait) => void,
    ): Promise<ReadAnswer> {
      const answers: ReadAnswer[] = [];
      let told: (answer: ReadAnswer) => void = () => {};
      const answered = new Promise<ReadAnswer>((resolve) => {
        told = resolve;
      });
      const wait = await hub.holdForNewer(room, viewer, since, timeoutMs, {
        answer: (answer) => {
          answers.push(answer);
          told(answer);
        },
      });
      onHeld?.(wait);
      const answer = await answered;
      // A second answer would be a second HTTP response on one request: never.
      wait.cancel();
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(answers).toHaveLength(1);
      return answer;
    }

    async function headOf(hub: Hub, room: string): Promise<Cursor> {
      const cursor = parseCursor((await hub.read(room, 'ada', null)).cursor);
      if (!cursor) throw new Error('unparsable head cursor');
      return cursor;
    }

    it('answers at once when the cursor is behind', async () => {
      const hub = makeHub();
      await hub.send('r', 'c', { id: 'a', from: 'ada', text: 'a' });
      const head = await headOf(hub, 'r');
      await hub.send('r', 'c', { id: 'b', from: 'ada', text: 'b' });
      const started = performance.now();
      const answer = await holdAnswer(hub, 'r', 'ada', head, 5_000);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(answer.messages.map((message) => message.id)).toEqual(['b']);
      expect(answer.outcome).toEqual({ recovered: true });
    });

    it('answers at once without a cursor (the snapshot) and for a lost cursor', async () => {
      const hub = makeHub();
      const started = performance.now();
      const fresh = await holdAnswer(hub, 'r', 'ada', null, 5_000);
      const lost = await holdAnswer(hub, 'r', 'ada', { epoch: 'elsewhere', seq: 0 }, 5_000);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(fresh.messages).toEqual([]);
      expect(lost.outcome).toEqual({ recovered: false, reason: 'epoch_changed' });
    });

    it('answers early when a message arrives, with the whole burst of that tick', async () => {
      const hub = makeHub();
      const head = await headOf(hub, 'r');
      const started = performance.now();
      const waiting = holdAnswer(hub, 'r', 'ada', head, 5_000);
      setTimeout(() => {
        void hub.send('r', 'c', { id: 'x', from: 'bob', text: 'x' });
        void hub.send('r', 'c', { id: 'y', from: 'bob', text: 'y' });
      }, 30);
      const answer = await waiting;
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(answer.messages.map((message) => message.id)).toEqual(['x', 'y']);
      expect(parseCursor(answer.cursor)?.seq).toBe(2);
    });

    it('times out with no messages and the same cursor', async () => {
      const hub = makeHub();
      await hub.send('r', 'c', { id: 'a', from: 'ada', text: 'a' });
      const head = await headOf(hub, 'r');
      const started = performance.now();
      const answer = await holdAnswer(hub, 'r', 'ada', head, 150);
      const elapsedMs = performance.now() - started;
      expect(elapsedMs).toBeGreaterThanOrEqual(140);
      expect(elapsedMs).toBeLessThan(1_000);
      expect(answer).toEqual({
        messages: [],
        cursor: `${head.epoch}:${head.seq}`,
        outcome: { recovered: true },
      });
    });

    it('answers soon after the wait is cancelled', async () => {
      const hub = makeHub();
      const head = await headOf(hub, 'r');
      const started = performance.now();
      const answer = await holdAnswer(hub, 'r', 'ada', head, 5_000, (wait) => {
        setTimeout(() => wait.cancel(), 50);
      });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(answer.messages).toEqual([]);
    });

    it('a private message for someone else does not wake it, but the cursor moves past it', async () => {
      const hub = makeHub();
      const head = await headOf(hub, 'r');
      setTimeout(() => void hub.send('r', 'c', { id: 'p', from: 'ada', text: 'p', to: 'bob' }), 20);
      const started = performance.now();
      const answer = await holdAnswer(hub, 'r', 'eve', head, 200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
      expect(answer.messages).toEqual([]);
      expect(parseCursor(answer.cursor)?.seq).toBe(1);
    });

    it('a message published while history is read is answered, not lost', async () => {
      const broker = new HookedBroker();
      const hub = makeHub(CONFIG, broker);
      const head = await headOf(hub, 'r');
      // History answers from before the publish; the message reaches the wait only as a live arrival.
      broker.afterHistory = () =>
        hub.send('r', 'c', { id: 'late', from: 'bob', text: 'late' }).then(() => {});
      const started = performance.now();
      const answer = await holdAnswer(hub, 'r', 'ada', head, 5_000);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(answer.messages.map((message) => message.id)).toEqual(['late']);
      expect(parseCursor(answer.cursor)?.seq).toBe(1);
    });

    it('leaves no subscription behind', async () => {
      const broker = new HookedBroker();
      const hub = makeHub(CONFIG, broker);
      const head = await headOf(hub, 'r');
      await holdAnswer(hub, 'r', 'ada', head, 20);
      await holdAnswer(hub, 'r', 'ada', null, 20);
      expect(broker.subscriptions).toBe(0);
    });
  });

  describe('presence', () => {
    it('publishes one join per name and a leave after the grace', async () => {
      const broker = new HookedBroker();
      const hub = makeHub(CONFIG, broker);
      const releaseA = hub.presence.hold('r', 'ada');
      const releaseB = hub.presence.hold('r', 'ada');
      await new Promise((resolve) => setTimeout(resolve, 10));
      releaseA();
      releaseB();
      const kindsNow = (await broker.history('r', null)).messages.map((m) => `${m.kind}:${m.from}`);
      expect(kindsNow).toEqual(['join:ada']);
      await new Promise((resolve) => setTimeout(resolve, CONFIG.presenceGraceMs + 100));
      const kinds = (await broker.history('r', null)).messages.map((m) => `${m.kind}:${m.from}`);
      expect(kinds).toEqual(['join:ada', 'leave:ada']);
    });
  });
});
