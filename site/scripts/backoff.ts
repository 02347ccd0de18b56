// How long the page waits before trying the playground again after a failure, for every channel (the
// WebSockets and the workshop's long polls): doubling from half a second up to a ceiling, so a server
// that is restarting is not hammered and one that is back is found soon.
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 8000;

/** The wait before retry number `attempt` (1-based): 0.5 s, 1 s, 2 s, ... up to 8 s. */
export function retryDelay(attempt: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
}
