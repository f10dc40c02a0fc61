/**
 * Every limit and knob, named, with its default. `loadConfig(env)` turns environment variables into a
 * typed Config and fails at start with a message that names the variable, never later at run time.
 */
import { DEFAULT_MAX_ROOMS } from './hub/memory-broker.ts';

export interface Config {
  host: string;
  port: number;
  /** Origins allowed on the WebSocket upgrade besides the page's own; a missing Origin is allowed. */
  allowedOrigins: readonly string[];
  /** Messages kept per room; a resume older than this answers `recovered: false`. */
  historyLimit: number;
  /** Messages a connection without a cursor (or with a lost one) starts from. */
  snapshotSize: number;
  /** Largest chat text, in UTF-8 bytes. */
  maxMessageBytes: number;
  /** Largest HTTP request body or WebSocket message, in bytes (the text plus its JSON envelope). */
  maxBodyBytes: number;
  /** ws `maxFragments`: continuation frames allowed per message. */
  wsMaxFragments: number;
  /** Sends allowed per client: a bucket of `sendBurst` refilled at `sendRatePerSecond`. */
  sendRatePerSecond: number;
  sendBurst: number;
  /** WebSocket clients that keep flooding after an error frame are closed with 1008 after this many refusals. */
  wsFloodCloseAfter: number;
  /** Open streaming connections (SSE, WebSocket, held long polls) per client id. */
  maxConnectionsPerClient: number;
  /** Bytes queued for one connection before a reader that stopped reading is cut off. */
  maxQueueBytes: number;
  longPollTimeoutMs: number;
  longPollMaxTimeoutMs: number;
  sseHeartbeatMs: number;
  /** The `retry:` an SSE stream advertises (EventSource's reconnect delay). */
  sseRetryMs: number;
  wsPingIntervalMs: number;
  /** How long a name stays present after its last connection ends (a long poller between two polls). */
  presenceGraceMs: number;
  /** A naive poller counts as present this long after each poll (it polls every 2 s by default). */
  pollPresenceLeaseMs: number;
  /** How long shutdown waits for connections to drain before it exits anyway. */
  shutdownGraceMs: number;
  /** Directory of the built page; the API runs without it. */
  staticDir: string | null;
  /** Capture every connection, inspector or not (for tools reading /api/inspect, and benchmarks). */
  captureAll: boolean;
  /** Raw bytes kept per wire unit; its full length is always reported. */
  captureMaxUnitBytes: number;
  /** Wire events kept per client for an inspector that (re)connects. */
  captureMaxEventsPerClient: number;
  /** Clients whose network lab settings are kept; past this the least recently used are forgotten. */
  labMaxClients: number;
  /**
   * Rooms kept in memory (history, epoch, seq); past this the least recently used rooms nobody follows are
   * forgotten, as a restart would forget them: a client resuming there is told `epoch_changed`.
   */
  maxRooms: number;
}

export const DEFAULT_CONFIG: Config = {
  host: '127.0.0.1',
  port: 8080,
  allowedOrigins: [],
  historyLimit: 1000,
  snapshotSize: 50,
  maxMessageBytes: 64 * 1024,
  maxBodyBytes: 64 * 1024 + 4 * 1024,
  wsMaxFragments: 64,
  sendRatePerSecond: 10,
  sendBurst: 20,
  wsFloodCloseAfter: 20,
  maxConnectionsPerClient: 8,
  maxQueueBytes: 1024 * 1024,
  longPollTimeoutMs: 25_000,
  longPollMaxTimeoutMs: 60_000,
  sseHeartbeatMs: 15_000,
  sseRetryMs: 1_000,
  wsPingIntervalMs: 25_000,
  presenceGraceMs: 5_000,
  pollPresenceLeaseMs: 10_000,
  shutdownGraceMs: 5_000,
  staticDir: 'dist/client',
  captureAll: false,
  captureMaxUnitBytes: 4096,
  captureMaxEventsPerClient: 2000,
  labMaxClients: 1000,
  maxRooms: DEFAULT_MAX_ROOMS,
};

/** Environment variable for each numeric setting. */
const NUMERIC_ENV: Record<string, keyof Config> = {
  PORT: 'port',
  HISTORY_LIMIT: 'historyLimit',
  SNAPSHOT_SIZE: 'snapshotSize',
  MAX_MESSAGE_BYTES: 'maxMessageBytes',
  MAX_BODY_BYTES: 'maxBodyBytes',
  WS_MAX_FRAGMENTS: 'wsMaxFragments',
  SEND_RATE_PER_SECOND: 'sendRatePerSecond',
  SEND_BURST: 'sendBurst',
  WS_FLOOD_CLOSE_AFTER: 'wsFloodCloseAfter',
  MAX_CONNECTIONS_PER_CLIENT: 'maxConnectionsPerClient',
  MAX_QUEUE_BYTES: 'maxQueueBytes',
  LONG_POLL_TIMEOUT_MS: 'longPollTimeoutMs',
  LONG_POLL_MAX_TIMEOUT_MS: 'longPollMaxTimeoutMs',
  SSE_HEARTBEAT_MS: 'sseHeartbeatMs',
  SSE_RETRY_MS: 'sseRetryMs',
  WS_PING_INTERVAL_MS: 'wsPingIntervalMs',
  PRESENCE_GRACE_MS: 'presenceGraceMs',
  POLL_PRESENCE_LEASE_MS: 'pollPresenceLeaseMs',
  SHUTDOWN_GRACE_MS: 'shutdownGraceMs',
  CAPTURE_MAX_UNIT_BYTES: 'captureMaxUnitBytes',
  CAPTURE_MAX_EVENTS_PER_CLIENT: 'captureMaxEventsPerClient',
  LAB_MAX_CLIENTS: 'labMaxClients',
  MAX_ROOMS: 'maxRooms',
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const config: Config = { ...DEFAULT_CONFIG };
  const numbers = config as unknown as Record<string, number>;
  for (const [variable, key] of Object.entries(NUMERIC_ENV)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    if (!/^[0-9]+$/.test(raw)) throw new ConfigError(`${variable} must be a whole number, got "${raw}"`);
    numbers[key] = Number(raw);
  }
  if (config.port > 65535) throw new ConfigError(`PORT must be 0-65535, got ${config.port}`);
  for (const [variable, key] of Object.entries(NUMERIC_ENV)) {
    if (key !== 'port' && numbers[key] === 0) throw new ConfigError(`${variable} must be greater than 0`);
  }
  if (config.maxBodyBytes < config.maxMessageBytes) {
    throw new ConfigError('MAX_BODY_BYTES must be at least MAX_MESSAGE_BYTES');
  }
  if (env.HOST) config.host = env.HOST;
  if (env.ALLOWED_ORIGINS) {
    // Browsers send Origin as scheme://host[:port] with no path; store each entry in exactly that form,
    // so "https://class.example/" matches instead of silently refusing every student.
    config.allowedOrigins = env.ALLOWED_ORIGINS.split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0)
      .map((entry) => {
        const url = URL.canParse(entry) ? new URL(entry) : null;
        if (!url || url.origin === 'null' || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
          throw new ConfigError(
            `ALLOWED_ORIGINS has "${entry}", which is not an origin like https://host:port`,
          );
        }
        return url.origin;
      });
  }
  if (env.CAPTURE_ALL !== undefined && env.CAPTURE_ALL !== '') {
    if (env.CAPTURE_ALL !== '0' && env.CAPTURE_ALL !== '1')
      throw new ConfigError('CAPTURE_ALL must be 0 or 1');
    config.captureAll = env.CAPTURE_ALL === '1';
  }
  if (env.STATIC_DIR !== undefined) config.staticDir = env.STATIC_DIR === '' ? null : env.STATIC_DIR;
  return config;
}
