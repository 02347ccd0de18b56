// Guards against other web pages driving a learner's playground: a page on any site can send requests to
// 127.0.0.1, so state-changing requests and WebSockets must come from our own origin (CSRF and
// cross-site WebSocket hijacking), and the Host must be one we serve (DNS rebinding).
import type { IncomingMessage } from 'node:http';

export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not sent by a browser page: curl, tests, the CLI
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export interface HostPolicy {
  listenHost: string;
  /** Extra names to answer to, e.g. the server_name of an nginx in front (--allow-host). */
  allowedHosts: readonly string[];
}

const loopbackNames = ['localhost', '127.0.0.1', '::1'];

/** A loopback-bound playground answers only to loopback names and the allowed ones: anything else is a rebinding attempt. */
export function hostAllowed(req: IncomingMessage, policy: HostPolicy): boolean {
  if (!loopbackNames.includes(policy.listenHost)) return true;
  const host = req.headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.split(':')[0]!;
  return loopbackNames.includes(name) || policy.allowedHosts.includes(name);
}
