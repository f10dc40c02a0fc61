/**
 * Interview practice: questions a candidate is asked about real-time systems, an outline of a good
 * answer, and a demo that sets this tab up (transport, network lab, wire view) so the answer can be
 * checked against real bytes. The answers describe what Wirelab itself does wherever it can, so every
 * claim a demo makes is one the page can show.
 */
import type { LabSettingsPatch } from '../../protocol/lab.ts';
import type { WireTabId } from '../store/view-slice.ts';
import type { TransportChoice } from '../transports/types.ts';

/** How deep a question goes: what a junior is asked, what a senior is, what a system design round asks. */
export type QuestionLevel = 'basics' | 'deeper' | 'design';

export const LEVEL_LABELS: Readonly<Record<QuestionLevel, string>> = {
  basics: 'Basics',
  deeper: 'Deeper',
  design: 'System design',
};

/**
 * What a question's "Show it on the wire" does (store/rehearse-slice.ts): resets this tab's network lab
 * and applies `lab`, opens a new connection over `transport` (a new one even when the transport is the
 * same, so the diagram starts at the handshake and lab settings read at connect time apply), and opens
 * the wire view's `tab`. One-shot faults (lose the next delivery) are armed once that connection is open,
 * so they take the next message rather than the connection's own resume.
 */
export interface RehearsalDemo {
  transport: TransportChoice;
  lab: LabSettingsPatch;
  tab: WireTabId;
  /** Where to look, and what to do next (send a message, open the lab), once the demo is set up. */
  watch: string;
}

export interface RehearsalQuestion {
  /** Stable: the page's element ids and the tests use it. */
  id: string;
  level: QuestionLevel;
  question: string;
  /** The points a good answer makes, in the order it makes them. */
  outline: readonly string[];
  /** Null when one tab on one server cannot show it; `tryIt` says what to do instead. */
  demo: RehearsalDemo | null;
  tryIt?: string;
}

export const REHEARSAL_QUESTIONS: readonly RehearsalQuestion[] = [
  {
    id: 'polling-vs-long-polling',
    level: 'basics',
    question:
      'Polling and long polling are both plain HTTP requests. What is the difference, and what does each cost?',
    outline: [
      'A poller asks on a timer (every 2 s here). Most answers say "nothing new", and a message waits up to a whole interval before anyone asks for it.',
      'A long poll asks once, and the server keeps the request open until it has something to say or a timeout passes (25 s here). The answer leaves the moment a message exists.',
      'Both pay a whole HTTP exchange, headers included, per answer, which is far more than a short chat line. After each answer the client must ask again, and a message published in that gap waits for the next request.',
      'Nothing is lost in the gap as long as each request carries a cursor ("everything after seq 41"), which is how every transport here resumes.',
    ],
    demo: {
      transport: 'polling',
      lab: {},
      tab: 'sequence',
      watch:
        'A request every 2 seconds, most answered with nothing. Then pick Long polling in the transport list: each request becomes a held bar that ends when a message arrives or the timeout passes.',
    },
  },
  {
    id: 'sse-or-websocket',
    level: 'basics',
    question: 'When would you pick Server-Sent Events over a WebSocket?',
    outline: [
      'When data flows mostly from the server to the page: feeds, notifications, progress, dashboards.',
      'SSE is one long HTTP response, so proxies, authentication and compression that already handle HTTP handle it too.',
      'EventSource reconnects by itself and sends the last event id it read (Last-Event-ID), so the server can resume from there; over a WebSocket you build reconnecting and resuming yourself.',
      'The page sends over ordinary requests (a POST per message here). SSE carries text only.',
      'Over HTTP/1.1 a browser opens about six connections per origin and each stream holds one of them; HTTP/2 carries many streams on one connection.',
      'Pick a WebSocket when both sides talk often, when latency each way matters (games, collaborative editing), or for binary data.',
    ],
    demo: {
      transport: 'sse',
      lab: {},
      tab: 'sequence',
      watch:
        'One response that never ends, with an event per message in its chunked body. Send a message: it leaves as a POST of its own. Select an event to see its id field: the cursor EventSource sends back when it reconnects.',
    },
  },
  {
    id: 'websocket-handshake',
    level: 'basics',
    question: 'What happens in a WebSocket handshake, and why does the browser mask its frames?',
    outline: [
      'It starts as an ordinary GET with Upgrade: websocket and a random Sec-WebSocket-Key.',
      'The server answers 101 Switching Protocols with Sec-WebSocket-Accept: the SHA-1 of the key joined to a fixed GUID, in base64. That proves the server understood the upgrade; it proves nothing about who the server is.',
      'From then on the same TCP connection carries frames: 2 to 14 bytes of header (FIN, opcode, length) and the payload.',
      'Frames from the browser are XORed with a fresh 4-byte key, so a proxy that does not know WebSocket cannot be fed bytes a script chose and cache them as an HTTP response. It is not encryption: the key travels in the frame.',
    ],
    demo: {
      transport: 'websocket',
      lab: {},
      tab: 'sequence',
      watch:
        'Select the 101 arrow: the frame inspector computes the Accept from the key. Then send a message and select your frame: it shows the masking key and the XOR, byte by byte.',
    },
  },
  {
    id: 'heartbeats',
    level: 'deeper',
    question: 'Why does a long-lived connection need heartbeats?',
    outline: [
      'Proxies, load balancers and NAT tables forget connections that carry nothing for a while (a minute is common), often without telling either end.',
      'Traffic every so often keeps the path open, and a missed answer tells each side that the other is gone: this server pings every 25 s by default and ends a socket that did not answer the last ping.',
      'The page watches too: after two heartbeat intervals without one (and a little slack) it closes the socket and reconnects, instead of waiting for a TCP timeout that can take many minutes.',
      'SSE heartbeats are comment lines. They keep the path open, but EventSource never shows them to the page, so the page cannot use them to notice a dead stream.',
    ],
    demo: {
      transport: 'websocket',
      lab: { stopHeartbeats: true, idleTimeoutMs: 30_000 },
      tab: 'sequence',
      watch:
        'The lab now plays a proxy that cuts a connection after 30 s without a byte, and the server sends no pings. Stop chatting: about 30 s later the proxy cuts the socket (1006) and the page reconnects. On a server that pings more often than every 13 s, the page\'s own watchdog gets there first (close 4000). Untick "Stop heartbeats" in the Network lab and the pings keep it open.',
    },
  },
  {
    id: 'resume-after-drop',
    level: 'deeper',
    question:
      'The connection drops in the middle of a conversation. How does the client come back without losing or repeating a message?',
    outline: [
      'Every message gets a sequence number in its room, and the client remembers the cursor of the last one it saw.',
      'Reconnecting, it asks for everything after that cursor (a since parameter, or Last-Event-ID for SSE). The server answers from its history and then goes live, with no gap and no duplicate between the two.',
      'Each send carries an id the client made, so a send retried after a lost acknowledgement is stored once.',
      'When the history no longer reaches back to the cursor, the server says so, and the client shows the gap rather than pretending nothing was missed.',
      'Reconnect after a random, growing delay, so a restarted server is not hit by every client in the same second.',
    ],
    demo: {
      transport: 'websocket',
      lab: { dropNext: 1 },
      tab: 'sequence',
      watch:
        'Send a message. The server stores it, but its delivery to you is lost and the connection is reset. Watch the page reconnect from its cursor and receive the message in the resume, once.',
    },
  },
  {
    id: 'upgrade-blocked',
    level: 'deeper',
    question: 'A corporate proxy blocks WebSocket upgrades. What does your client do?',
    outline: [
      'The page never sees why: a refused upgrade reaches it as an error and close code 1006, whatever the HTTP status was.',
      'So a client falls back on failure or on a timeout: WebSocket first, then SSE, then long polling, keeping the first that opens. Socket.IO and SockJS work this way.',
      'Each attempt starts from the cursor the last one reached, so switching transports loses and repeats nothing.',
      'Some libraries start with long polling and upgrade once a WebSocket proves it works, so the first message never waits for a failed attempt.',
    ],
    demo: {
      transport: 'auto',
      lab: { blockUpgrade: true },
      tab: 'sequence',
      watch:
        'The diagram shows the upgrade refused with 403, then an SSE stream. The status line lists what Auto tried and why each attempt failed.',
    },
  },
  {
    id: 'cost-per-message',
    level: 'deeper',
    question: 'What does one chat message cost on the wire with each transport?',
    outline: [
      'Polling and long polling: a request and a response with their headers for every answer, hundreds of bytes around a short text, and an empty poll costs the same.',
      'SSE: once the stream is open, a few bytes of event fields and a chunk size per event.',
      'WebSocket: 2 to 14 bytes of frame header, and 4 more for the mask on frames from the browser.',
      'Latency follows the same order: a poller waits up to its interval, a long poll pays a new request after each answer, a stream writes at once.',
    ],
    demo: {
      transport: 'websocket',
      lab: {},
      tab: 'race',
      watch:
        'Press Start race: one message is received over all four transports at once, and the lanes show when each one got it and which requests it took. Then send a few messages and open Latency: its framing overhead shows bytes on the wire for each byte of text.',
    },
  },
  {
    id: 'many-servers',
    level: 'design',
    question: 'How would you run this chat on many servers?',
    outline: [
      'Each server holds its own connections, so a message published on one has to reach readers connected to the others: put a broker between them (Redis pub/sub or Streams, Kafka, NATS).',
      'Keep sequence numbers and history in shared storage too, so a client that reconnects to a different server still resumes from its cursor.',
      'The HTTP transports need no sticky routing when every request carries its cursor; a WebSocket stays on its server for as long as it lives.',
      'Bound every outbound queue: a reader that cannot keep up is disconnected and resumes later (this server closes it with 4001), instead of growing memory without limit.',
      'Deploy by draining: close with 1001 or 1012, and let clients come back with jittered backoff.',
      'Watch connections per server, queue sizes, and publish-to-delivery latency as percentiles, not averages.',
    ],
    demo: null,
    tryIt:
      'Wirelab runs on one server, so this one has no demo. In the Network lab, Close cleanly with 1012 (service restart) shows what a drain looks like to one client: a clean close, then a resume from the cursor.',
  },
];
