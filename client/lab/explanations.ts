/**
 * The lab panel's words: for every setting a label, what it does, and what to watch for on the page
 * when it is on. Typed as a record over LabSettings, so a setting the protocol adds without words here
 * fails the typecheck instead of showing up as a bare key.
 */
import { changedLabKeys, type LabKillCloseCode, type LabSettings } from '../../protocol/lab.ts';

export type LabSettingKey = keyof LabSettings;

export interface SettingText {
  label: string;
  /** One sentence: what the server does to this tab when the setting is on. */
  explain: string;
  /** One sentence: where on the page the effect shows. */
  watch: string;
}

export const SETTING_TEXTS: Readonly<Record<LabSettingKey, SettingText>> = {
  delayToClientMs: {
    label: 'Delay, server → page (ms)',
    explain:
      'The server holds everything it sends this tab for this long before writing it, like a far-away path.',
    watch:
      'In Latency the stages after "at the server" grow by this much; every push arrives that much later.',
  },
  delayToServerMs: {
    label: 'Delay, page → server (ms)',
    explain: 'Everything this tab sends waits this long before the server reads it.',
    watch: 'Sends are acknowledged later; a long poll re-armed after an answer reaches the server later too.',
  },
  jitterToClientMs: {
    label: 'Jitter, server → page (up to ms)',
    explain:
      'Each unit the server sends gets a random extra delay up to this much; order is kept, as TCP keeps it.',
    watch: 'In Latency p99 pulls away from p50, yet messages still arrive in seq order.',
  },
  jitterToServerMs: {
    label: 'Jitter, page → server (up to ms)',
    explain: 'Each unit this tab sends gets a random extra delay up to this much, still in order.',
    watch: 'Send acknowledgements come back unevenly; the arrows towards the server bunch and spread.',
  },
  idleTimeoutMs: {
    label: 'Proxy idle timeout (ms, 0 is off)',
    explain:
      'A pretend proxy cuts any connection of this tab that carried no byte either way for this long, as nginx or a load balancer does.',
    watch:
      'Shorter than the heartbeat interval, a quiet stream or socket is cut and comes back by itself; heartbeats are what keep it open otherwise.',
  },
  dropNext: {
    label: 'Lose the next deliveries (count)',
    explain:
      'The next N responses, events or frames meant for this tab are lost after the server stored the message, and the connection is reset.',
    watch:
      'The page reconnects from its cursor and the lost message comes in the replay: SSE sends Last-Event-ID, a long poll re-arms with since=, and nothing is duplicated. A poll reset on a reused connection before any byte of its answer is retried by the browser itself, unseen by the page: the diagram shows it closed unanswered, then the same request again.',
  },
  stopHeartbeats: {
    label: 'Stop heartbeats',
    explain: 'The server stops its WebSocket pings and heartbeat frames and its SSE heartbeat comments.',
    watch:
      'On WebSocket the page calls the socket dead after two missed heartbeats, closes it with 4000 and reconnects; SSE cannot tell (EventSource hides comments).',
  },
  ignorePongs: {
    label: 'Ignore pongs',
    explain: 'The server acts as if this tab never answered its pings.',
    watch:
      'The browser still sends its pongs (opcode 10), but within two ping intervals the server terminates the socket: the page sees 1006 and backs off before reconnecting.',
  },
  blockUpgrade: {
    label: 'Block WebSocket upgrades',
    explain:
      'The server refuses this tab’s WebSocket upgrades with 403, as a strict firewall or proxy would.',
    watch:
      'The GET …/ws is answered 403, not 101, and the page sees only close 1006; WebSocket retries with growing, jittered backoff, Auto moves on to SSE.',
  },
  cutNextSseEvent: {
    label: 'Cut the next SSE event',
    explain:
      'The stream ends halfway through the next message event: after its data line, before the blank line.',
    watch:
      'EventSource drops the half event and reconnects after the stream’s retry: time, with Last-Event-ID naming the last whole event; the message arrives once.',
  },
  wsBinary: {
    label: 'Binary WebSocket frames',
    explain:
      'The server sends its WebSocket messages as binary frames (opcode 2) instead of text (opcode 1).',
    watch:
      'The inspector shows opcode 2 with the same JSON bytes; the page decodes them as UTF-8 and the chat is unchanged.',
  },
  wsFragmentBytes: {
    label: 'Fragment WebSocket messages over (bytes, 0 is off)',
    explain: 'Server messages longer than this go as a first frame and continuation frames.',
    watch:
      'A frame with FIN 0, then continuation frames (opcode 0), the last with FIN 1; the inspector joins them back into the message.',
  },
  wsDeflate: {
    label: 'Offer permessage-deflate',
    explain:
      'The server offers compression on this tab’s next WebSocket upgrades (kill cleanly to reconnect now).',
    watch:
      'The 101 names permessage-deflate in Sec-WebSocket-Extensions; frames have RSV1 set and a compressed payload the inspector inflates back to the JSON.',
  },
};

/** How the panel groups the settings, in reading order. */
export const SETTING_GROUPS: ReadonlyArray<{ legend: string; keys: readonly LabSettingKey[] }> = [
  { legend: 'Latency', keys: ['delayToClientMs', 'delayToServerMs', 'jitterToClientMs', 'jitterToServerMs'] },
  {
    legend: 'Faults',
    keys: ['idleTimeoutMs', 'dropNext', 'stopHeartbeats', 'ignorePongs', 'blockUpgrade', 'cutNextSseEvent'],
  },
  { legend: 'WebSocket frames', keys: ['wsBinary', 'wsFragmentBytes', 'wsDeflate'] },
];

export const CLOSE_CODE_NAMES: Readonly<Record<LabKillCloseCode, string>> = {
  1000: 'normal closure',
  1001: 'going away',
  // The page's WebSocket gives up after 1008: the server would only refuse it again.
  1008: 'policy violation (the page gives up)',
  1009: 'message too big',
  1011: 'internal error',
  1012: 'service restart',
};

export const KILL_TEXTS = {
  clean: {
    explain:
      'Ends every chat connection of this tab politely: a WebSocket gets a close frame with the code you pick, an HTTP response is finished and its connection closed.',
    watch:
      'A close frame (opcode 8) carrying the code, then the page reconnecting: the status line keeps the code and the retry.',
  },
  reset: {
    explain: 'Destroys every chat connection of this tab at once (TCP RST), with no close frame.',
    watch:
      'The page sees 1006, "closed abnormally", because no close frame arrived; SSE and long polling see a network error; all resume from their cursor.',
  },
} as const;

/**
 * The settings away from their defaults, in the panel's own labels: "Stop heartbeats", "Proxy idle
 * timeout (ms, 0 is off) = 30000".
 */
export function changedSettingTexts(settings: LabSettings): string[] {
  return changedLabKeys(settings).map((key) => {
    const value = settings[key];
    return typeof value === 'boolean' ? SETTING_TEXTS[key].label : `${SETTING_TEXTS[key].label} = ${value}`;
  });
}

/** What the server holds beyond the defaults, in the panel's own labels. */
export function describeChanged(settings: LabSettings): string {
  const parts = changedSettingTexts(settings);
  if (parts.length === 0) return 'The server holds no faults for this tab: everything is at its default.';
  return `The server holds: ${parts.join('; ')}.`;
}
