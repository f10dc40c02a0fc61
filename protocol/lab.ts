/**
 * The network lab: faults and frame options one client id sets on its own connections, from the page's
 * lab panel or by `/api/lab` (README, "Network lab"). A fault never touches another client, so one
 * student's experiment never breaks the class. Pure and isomorphic: the server validates with these
 * schemas, the page builds its controls and requests from them.
 */
import * as z from 'zod/mini';
import { CLOSE_CODES } from './messages.ts';

const millis = (max: number) => z.int().check(z.gte(0), z.lte(max));

/** Smallest simulated proxy idle timeout: below this every heartbeat scheme would look broken. */
export const LAB_MIN_IDLE_TIMEOUT_MS = 500;
/** Smallest fragment size: a WebSocket frame header is 2-14 bytes, smaller fragments teach nothing. */
export const LAB_MIN_FRAGMENT_BYTES = 16;

export const LabSettings = z.object({
  /** Added one-way delay of everything the server sends this client (responses, events, frames). */
  delayToClientMs: millis(10_000),
  /** Added one-way delay of everything this client sends the server (requests, frames). */
  delayToServerMs: millis(10_000),
  /** A random extra delay from 0 to this, per unit, server to client. Order is kept, as TCP would. */
  jitterToClientMs: millis(5_000),
  /** A random extra delay from 0 to this, per unit, client to server. */
  jitterToServerMs: millis(5_000),
  /**
   * A simulated proxy between page and server: each of this client's long-lived connections (an SSE
   * stream, a WebSocket, a held long poll) that carried no byte in either direction for this long is cut
   * (the proxy closes it, as nginx or a load balancer would). 0 is off. Idle keep-alive sockets are left
   * alone: the browser may hand one to another tab next, and a fault never touches another client.
   */
  idleTimeoutMs: z.union([z.literal(0), z.int().check(z.gte(LAB_MIN_IDLE_TIMEOUT_MS), z.lte(600_000))]),
  /**
   * The next N deliveries to this client (an HTTP response, an SSE event, a WebSocket frame) are lost on
   * the way, after the server committed what they carry; the connection is reset right after, as a
   * connection that loses bytes would be. The client must notice and resume from its cursor.
   */
  dropNext: z.int().check(z.gte(0), z.lte(100)),
  /** The server stops sending WebSocket pings (and their heartbeat frames) and SSE heartbeat comments. */
  stopHeartbeats: z.boolean(),
  /** The server ignores this client's pongs, as if the page had stopped answering pings. */
  ignorePongs: z.boolean(),
  /** WebSocket upgrades are refused with 403 `upgrade_blocked`, as a restrictive firewall or proxy would. */
  blockUpgrade: z.boolean(),
  /** The next SSE message event is cut after its `data:` line, before the blank line that ends it. */
  cutNextSseEvent: z.boolean(),
  /** Server-to-client WebSocket messages go as binary frames (opcode 2) instead of text (opcode 1). */
  wsBinary: z.boolean(),
  /** Server-to-client WebSocket messages longer than this go as a first frame and continuation frames. 0 is off. */
  wsFragmentBytes: z.union([z.literal(0), z.int().check(z.gte(LAB_MIN_FRAGMENT_BYTES), z.lte(65_536))]),
  /** Offer permessage-deflate (with context takeover) on this client's next WebSocket upgrades. */
  wsDeflate: z.boolean(),
});
export type LabSettings = z.infer<typeof LabSettings>;

export const DEFAULT_LAB_SETTINGS: Readonly<LabSettings> = Object.freeze({
  delayToClientMs: 0,
  delayToServerMs: 0,
  jitterToClientMs: 0,
  jitterToServerMs: 0,
  idleTimeoutMs: 0,
  dropNext: 0,
  stopHeartbeats: false,
  ignorePongs: false,
  blockUpgrade: false,
  cutNextSseEvent: false,
  wsBinary: false,
  wsFragmentBytes: 0,
  wsDeflate: false,
});

/** The settings that differ from their defaults, in LabSettings' order. */
export function changedLabKeys(settings: LabSettings): (keyof LabSettings)[] {
  return (Object.keys(DEFAULT_LAB_SETTINGS) as (keyof LabSettings)[]).filter(
    (key) => settings[key] !== DEFAULT_LAB_SETTINGS[key],
  );
}

/** Body of `PUT /api/lab?client=`: some or all of the settings; unknown keys are refused. */
export const LabSettingsPatch = z.partial(z.strictObject(LabSettings.shape));
export type LabSettingsPatch = z.infer<typeof LabSettingsPatch>;

/** Answer of GET, PUT and DELETE `/api/lab?client=`: the client's settings after the change. */
export const LabState = z.object({ client: z.string(), settings: LabSettings });
export type LabState = z.infer<typeof LabState>;

/** Close codes the lab's clean kill may send on a WebSocket (an HTTP connection just ends). */
export const LAB_KILL_CLOSE_CODES = [
  CLOSE_CODES.normal,
  CLOSE_CODES.goingAway,
  CLOSE_CODES.policyViolation,
  CLOSE_CODES.messageTooBig,
  CLOSE_CODES.internalError,
  CLOSE_CODES.serviceRestart,
] as const;
export type LabKillCloseCode = (typeof LAB_KILL_CLOSE_CODES)[number];

/**
 * Body of `POST /api/lab/kill?client=`: end every chat connection of the client now (never its
 * inspector). `clean` closes politely (a WebSocket close frame with `code`, default 1012; an HTTP
 * response ended, then FIN); `reset` destroys the TCP connection at once (RST), so the page sees 1006.
 */
export const LabKillRequest = z.strictObject({
  mode: z.enum(['clean', 'reset']),
  code: z.optional(
    z.int().check(
      z.refine((code) => (LAB_KILL_CLOSE_CODES as readonly number[]).includes(code), {
        message: `must be one of ${LAB_KILL_CLOSE_CODES.join(', ')}`,
      }),
    ),
  ),
});
export type LabKillRequest = z.infer<typeof LabKillRequest>;

export const LabKillAnswer = z.object({ killed: z.int().check(z.nonnegative()) });
export type LabKillAnswer = z.infer<typeof LabKillAnswer>;
