/**
 * The page's side of `/api/lab` (README, "Network lab"): read, change and reset this tab's lab settings,
 * and kill its chat connections. Every answer is parsed with the protocol's schemas; a failure becomes a
 * LabApiError whose message a learner can read (the server's own words when it sent an error body).
 */
import {
  type LabKillAnswer,
  LabKillAnswer as LabKillAnswerSchema,
  type LabKillRequest,
  type LabSettingsPatch,
  type LabState,
  LabState as LabStateSchema,
} from '../../protocol/lab.ts';
import { ErrorBody } from '../../protocol/messages.ts';

/** The lab answers at once; past this the server or the path is in trouble, and the panel should say so. */
export const LAB_REQUEST_TIMEOUT_MS = 5_000;

export class LabApiError extends Error {
  override name = 'LabApiError';
  constructor(
    message: string,
    /** The server's error code (`invalid_body`, `forbidden_origin`…), or `network` / `bad_response`. */
    readonly code: string,
  ) {
    super(message);
  }
}

export interface LabApiOptions {
  clientId: string;
  /** Defaults to the page's origin. */
  baseUrl?: string;
  fetchImpl?: typeof fetch;
}

function labUrl(options: LabApiOptions, path: '/api/lab' | '/api/lab/kill'): URL {
  const url = new URL(path, options.baseUrl ?? globalThis.location.origin);
  url.searchParams.set('client', options.clientId);
  return url;
}

async function request<T>(
  options: LabApiOptions,
  path: '/api/lab' | '/api/lab/kill',
  method: 'GET' | 'PUT' | 'DELETE' | 'POST',
  body: unknown,
  parse: (json: unknown) => { success: true; data: T } | { success: false },
): Promise<T> {
  const fetchImpl = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await fetchImpl(labUrl(options, path), {
      method,
      cache: 'no-store',
      signal: AbortSignal.timeout(LAB_REQUEST_TIMEOUT_MS),
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new LabApiError(`could not reach the server: ${detail}`, 'network');
  }
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    // Not JSON (a proxy's HTML page, an old server without /api/lab): the status line is all we have.
  }
  if (!response.ok) {
    const error = ErrorBody.safeParse(json);
    if (error.success) throw new LabApiError(error.data.error.message, error.data.error.code);
    throw new LabApiError(`HTTP ${response.status} ${response.statusText}`.trim(), `http_${response.status}`);
  }
  const parsed = parse(json);
  if (!parsed.success) throw new LabApiError('the server answered with an unexpected body', 'bad_response');
  return parsed.data;
}

const parseState = (json: unknown) => LabStateSchema.safeParse(json);

export function getLab(options: LabApiOptions): Promise<LabState> {
  return request(options, '/api/lab', 'GET', undefined, parseState);
}

/** Changes only the settings in `patch`; the answer is every setting as the server now holds it. */
export function updateLab(options: LabApiOptions, patch: LabSettingsPatch): Promise<LabState> {
  return request(options, '/api/lab', 'PUT', patch, parseState);
}

/** Every setting back to its default. */
export function resetLab(options: LabApiOptions): Promise<LabState> {
  return request(options, '/api/lab', 'DELETE', undefined, parseState);
}

/** Ends every chat connection of this tab now (never its inspector); says how many there were. */
export function killConnections(options: LabApiOptions, kill: LabKillRequest): Promise<LabKillAnswer> {
  return request(options, '/api/lab/kill', 'POST', kill, (json) => LabKillAnswerSchema.safeParse(json));
}
