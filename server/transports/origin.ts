/**
 * Origin check for WebSocket upgrades. Browsers always send Origin on a WebSocket handshake and do not
 * apply CORS to it, so without this check any page could open a chat socket as the user. A missing
 * Origin means a non-browser client (the ws package, curl), which could forge any header anyway: allowed.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined || origin === '') return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && parsed.host === host) return true;
  return allowed.includes(parsed.origin);
}
