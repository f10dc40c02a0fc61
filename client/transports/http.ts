/**
 * What the three HTTP transports share: transport URLs, reading error bodies, and the idempotent POST
 * they send with. The server stores each message id once, so a send that hit a network failure is
 * retried with the same id and can never appear twice.
 */
import { ErrorBody, SendAck } from '../../protocol/messages.ts';
import { type OutgoingMessage, SendError, type TransportOptions } from './types.ts';

/** Attempts for one POST that fails on the network (not for answers the server gave). */
export const SEND_MAX_ATTEMPTS = 4;
export const SEND_RETRY_DELAY_MS = 300;

type Endpoint = 'poll' | 'long-poll' | 'sse' | 'ws' | 'messages';

export function transportUrl(
  options: TransportOptions,
  endpoint: Endpoint,
  extra: Record<string, string | null> = {},
): URL {
  const base = options.baseUrl ?? globalThis.location.origin;
  const url = new URL(`/api/rooms/${encodeURIComponent(options.room)}/${endpoint}`, base);
  url.searchParams.set('client', options.clientId);
  url.searchParams.set('name', options.name);
  for (const [key, value] of Object.entries(extra)) if (value !== null) url.searchParams.set(key, value);
  return url;
}

/** A non-2xx answer as a SendError: the server's code and message when it sent a proper error body. */
export async function errorFromResponse(response: Response): Promise<SendError> {
  const retryAfter = response.headers.get('retry-after');
  const retryAfterSeconds =
    retryAfter !== null && /^[0-9]+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's HTML error page, say): the status line is all we have.
  }
  const parsed = ErrorBody.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : `http_${response.status}`;
  const text = parsed.success ? parsed.data.error.message : `HTTP ${response.status} ${response.statusText}`;
  const suffix = retryAfterSeconds === undefined ? '' : ` (retry after ${retryAfterSeconds} s)`;
  return new SendError(`${text}${suffix}`, code, retryAfterSeconds);
}

/** Client errors other than 429 will not heal by retrying the same request. */
export function isPermanentFailure(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** POST /api/rooms/:room/messages, retried on network failure only (the same id keeps it idempotent). */
export async function postMessage(
  options: TransportOptions,
  message: OutgoingMessage,
  signal: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): Promise<SendAck> {
  const url = transportUrl(options, 'messages');
  const body = JSON.stringify({
    id: message.id,
    from: options.name,
    text: message.text,
    sentAtMs: message.sentAtMs,
    ...(message.to === undefined ? {} : { to: message.to }),
  });
  let lastError: unknown = null;
  for (let attempt = 0; attempt < SEND_MAX_ATTEMPTS; attempt += 1) {
    if (attempt > 0) await delay(SEND_RETRY_DELAY_MS * attempt, signal);
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      lastError = error;
      continue;
    }
    if (!response.ok) {
      const error = await errorFromResponse(response);
      // 5xx may be a restarting server: retrying the same id is safe. 4xx (429 included) goes to the user.
      if (response.status >= 500) {
        lastError = error;
        continue;
      }
      throw error;
    }
    const ack = SendAck.safeParse(await response.json());
    if (!ack.success)
      throw new SendError('the server answered the send with an unexpected body', 'bad_response');
    return ack.data;
  }
  throw new SendError(`could not reach the server: ${describeError(lastError)}`, 'network');
}
