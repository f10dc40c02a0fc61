import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ClientId,
  formatCursor,
  PollResponse,
  parseCursor,
  ResumeOutcome,
  readPlainSendFrame,
  SendRequest,
  UserName,
  utf8ByteLength,
  WsClientFrame,
  WsServerFrame,
} from './messages.ts';

describe('parseCursor', () => {
  it('parses "epoch:seq"', () => {
    expect(parseCursor('abc_-9:0')).toEqual({ epoch: 'abc_-9', seq: 0 });
    expect(parseCursor('E:42')).toEqual({ epoch: 'E', seq: 42 });
    expect(parseCursor(`e:${Number.MAX_SAFE_INTEGER}`)).toEqual({ epoch: 'e', seq: Number.MAX_SAFE_INTEGER });
  });

  it.each([
    ['CR LF after the seq', 'e:1\r\n'],
    ['LF after the seq', 'e:1\n'],
    ['CR inside', 'e\r:1'],
    ['LF before', '\ne:1'],
    ['a plus sign', 'e:+1'],
    ['a minus sign', 'e:-1'],
    ['a 20-digit seq', 'e:99999999999999999999'],
    ['a 16-digit seq past MAX_SAFE_INTEGER', 'e:9999999999999999'],
    ['MAX_SAFE_INTEGER + 1', `e:${Number.MAX_SAFE_INTEGER + 1}`],
    ['an extra colon', 'e:1:2'],
    ['an extra colon in the epoch', 'a:b:1'],
    ['no colon', 'e1'],
    ['an empty epoch', ':1'],
    ['an empty seq', 'e:'],
    ['a leading zero', 'e:01'],
    ['a decimal point', 'e:1.5'],
    ['an exponent', 'e:1e3'],
    ['hex', 'e:0x10'],
    ['spaces', ' e:1'],
    ['a trailing space', 'e:1 '],
    ['a non-ASCII digit', 'e:١'],
    ['an epoch of 65 characters', `${'a'.repeat(65)}:1`],
    ['an epoch with a slash', 'a/b:1'],
    ['the empty string', ''],
  ])('rejects %s', (_label, text) => {
    expect(parseCursor(text)).toBeNull();
  });

  it('round-trips every cursor it formats', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (epoch, seq) => {
          expect(parseCursor(formatCursor({ epoch, seq }))).toEqual({ epoch, seq });
        },
      ),
    );
  });

  it('never throws on arbitrary text, and whatever it accepts formats back to the same text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const cursor = parseCursor(text);
        if (cursor !== null) expect(formatCursor(cursor)).toBe(text);
      }),
    );
  });
});

describe('names and ids', () => {
  it('accepts the safe id alphabet only', () => {
    expect(ClientId.safeParse('tab_1-A').success).toBe(true);
    expect(ClientId.safeParse('a'.repeat(64)).success).toBe(true);
    expect(ClientId.safeParse('a'.repeat(65)).success).toBe(false);
    expect(ClientId.safeParse('').success).toBe(false);
    expect(ClientId.safeParse('a b').success).toBe(false);
    expect(ClientId.safeParse('a\n').success).toBe(false);
  });

  it('accepts printable user names of 1-32 characters', () => {
    expect(UserName.safeParse('Ada Lovelace').success).toBe(true);
    expect(UserName.safeParse('Zoë').success).toBe(true);
    expect(UserName.safeParse('x'.repeat(32)).success).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['33 characters', 'x'.repeat(33)],
    ['a newline', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a NUL', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['a right-to-left override', 'a\u202eb'],
    ['a leading space', ' ada'],
    ['a trailing space', 'ada '],
  ])('rejects a user name with %s', (_label, name) => {
    expect(UserName.safeParse(name).success).toBe(false);
  });
});

describe('schemas', () => {
  it('SendRequest needs an id, a sender and non-empty text', () => {
    expect(SendRequest.safeParse({ id: 'm1', from: 'ada', text: 'hi' }).success).toBe(true);
    expect(
      SendRequest.safeParse({ id: 'm1', from: 'ada', text: 'hi', to: 'bob', sentAtMs: 1.5 }).success,
    ).toBe(true);
    expect(SendRequest.safeParse({ id: 'm1', from: 'ada', text: '' }).success).toBe(false);
    expect(SendRequest.safeParse({ id: 'm 1', from: 'ada', text: 'hi' }).success).toBe(false);
    expect(SendRequest.safeParse({ id: 'm1', from: '', text: 'hi' }).success).toBe(false);
    expect(SendRequest.safeParse({ id: 'm1', from: 'ada', text: 'hi', sentAtMs: -1 }).success).toBe(false);
    expect(
      SendRequest.safeParse({ id: 'm1', from: 'ada', text: 'hi', sentAtMs: Number.POSITIVE_INFINITY })
        .success,
    ).toBe(false);
    expect(SendRequest.safeParse({ id: 'm1', from: 'ada', text: 7 }).success).toBe(false);
  });

  it('a resume outcome that is not recovered must say why', () => {
    expect(ResumeOutcome.safeParse({ recovered: true }).success).toBe(true);
    expect(ResumeOutcome.safeParse({ recovered: false, reason: 'window_exceeded' }).success).toBe(true);
    expect(ResumeOutcome.safeParse({ recovered: false, reason: 'epoch_changed' }).success).toBe(true);
    expect(ResumeOutcome.safeParse({ recovered: false }).success).toBe(false);
    expect(ResumeOutcome.safeParse({ recovered: false, reason: 'because' }).success).toBe(false);
  });

  it('PollResponse and the WebSocket frames parse what the server sends', () => {
    const message = {
      seq: 1,
      epoch: 'e',
      cursor: 'e:1',
      room: 'r',
      id: 'm1',
      from: 'ada',
      kind: 'chat',
      text: 'hi',
      committedAtMs: 1,
    };
    expect(PollResponse.safeParse({ messages: [message], cursor: 'e:1', recovered: true }).success).toBe(
      true,
    );
    expect(WsServerFrame.safeParse({ type: 'message', message }).success).toBe(true);
    expect(WsServerFrame.safeParse({ type: 'message', message: { ...message, kind: 'shout' } }).success).toBe(
      false,
    );
    expect(WsServerFrame.safeParse({ type: 'ack', id: 'm1', seq: 1, cursor: 'e:1' }).success).toBe(true);
    expect(WsServerFrame.safeParse({ type: 'resume', recovered: true, cursor: 'e:0' }).success).toBe(true);
    expect(WsClientFrame.safeParse({ type: 'send', id: 'm1', text: 'hi' }).success).toBe(true);
    expect(WsClientFrame.safeParse({ type: 'shout', id: 'm1', text: 'hi' }).success).toBe(false);
    expect(WsClientFrame.safeParse({ type: 'send', id: 'm1', text: '' }).success).toBe(false);
  });
});

describe('readPlainSendFrame', () => {
  /** Frames near the plain send: right and wrong types, ids, texts, targets and times, extra keys. */
  const nearSendFrame = fc.record(
    {
      type: fc.constantFrom('send', 'shout', 1),
      id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.string(), fc.integer()),
      text: fc.oneof(fc.string(), fc.constant(''), fc.integer()),
      to: fc.oneof(fc.constant(undefined), fc.string()),
      sentAtMs: fc.oneof(
        fc.constant(undefined),
        fc.double(),
        fc.constantFrom(Number.POSITIVE_INFINITY, -0, -1),
        fc.string(),
      ),
      from: fc.string(),
    },
    { requiredKeys: [] },
  );

  it('accepts only what the schema accepts, with the same data', () => {
    fc.assert(
      fc.property(fc.oneof(nearSendFrame, fc.anything()), (json) => {
        const plain = readPlainSendFrame(json);
        if (plain === null) return;
        const parsed = WsClientFrame.safeParse(json);
        expect(parsed.success).toBe(true);
        // toEqual: the schema keeps a key whose value is undefined, which JSON.parse never makes.
        expect(plain).toEqual(parsed.data);
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads every plain send frame the schema accepts (so the fast path is the usual path)', () => {
    const plainSend = fc.record(
      {
        type: fc.constant('send'),
        id: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        text: fc.string({ minLength: 1 }),
        sentAtMs: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
        from: fc.string(),
      },
      { requiredKeys: ['type', 'id', 'text'] },
    );
    fc.assert(
      fc.property(plainSend, (json) => {
        expect(WsClientFrame.safeParse(json).success).toBe(true);
        expect(readPlainSendFrame(json)).toStrictEqual(WsClientFrame.parse(json));
      }),
    );
  });

  it('leaves a frame with a private target, a bad id or a negative time to the schema', () => {
    expect(readPlainSendFrame({ type: 'send', id: 'm1', text: 'hi', to: 'ada' })).toBeNull();
    expect(readPlainSendFrame({ type: 'send', id: 'm 1', text: 'hi' })).toBeNull();
    expect(readPlainSendFrame({ type: 'send', id: 'm1', text: 'hi', sentAtMs: -1 })).toBeNull();
    expect(
      readPlainSendFrame(JSON.parse('{"type":"send","id":"m1","text":"hi","sentAtMs":1e400}')),
    ).toBeNull();
    expect(readPlainSendFrame({ type: 'send', id: 'm1', text: 'hi', from: 'x' })).toStrictEqual({
      type: 'send',
      id: 'm1',
      text: 'hi',
    });
  });
});

describe('utf8ByteLength', () => {
  it('counts UTF-8 bytes, not UTF-16 units', () => {
    expect(utf8ByteLength('')).toBe(0);
    expect(utf8ByteLength('abc')).toBe(3);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('€')).toBe(3);
    expect(utf8ByteLength('😀')).toBe(4);
  });

  it('agrees with Buffer.byteLength on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
    );
  });

  it('agrees with Buffer.byteLength on any UTF-16 units, lone surrogates included', () => {
    const anyUnit = fc.nat(0xffff).map((code) => String.fromCharCode(code));
    fc.assert(
      fc.property(fc.string({ unit: anyUnit }), (text) => {
        expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
      { numRuns: 2_000 },
    );
    expect(utf8ByteLength('\ud800')).toBe(3);
    expect(utf8ByteLength('\udc00\ud800')).toBe(6);
  });
});
