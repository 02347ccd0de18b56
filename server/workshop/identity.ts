// Who is asking: a student by their signed cookie, the instructor by their token (a Bearer header or the
// cookie the instructor link sets), and from which address (for the join rate limit).
import type { IncomingMessage } from 'node:http';
import { studentIdSchema } from '../contracts/workshop.ts';
import { parseCookies, serializeCookie } from './cookies.ts';
import { sameSecret, sign, verify, type WorkshopSecrets } from './secrets.ts';

export const STUDENT_COOKIE = 'cometlab_student';
export const INSTRUCTOR_COOKIE = 'cometlab_instructor';
/** A workshop day and a follow-up week. */
const COOKIE_MAX_AGE_S = 8 * 24 * 3600;
const INSTRUCTOR_VALUE = 'instructor';

const fromLoopback = (req: IncomingMessage) => ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress ?? '');

/** The peer, or, when the peer is a proxy on this machine (nginx/workshop.conf), the address it saw. */
export function clientAddress(req: IncomingMessage): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  if (!fromLoopback(req) || typeof forwarded !== 'string') return peer;
  // The proxy appends the address it saw last; anything before it the client may have made up.
  return forwarded.split(',').at(-1)!.trim() || peer;
}

function cookieOptions(req: IncomingMessage) {
  return { maxAgeSeconds: COOKIE_MAX_AGE_S, secure: fromLoopback(req) && req.headers['x-forwarded-proto'] === 'https' };
}

export function studentCookie(req: IncomingMessage, secrets: WorkshopSecrets, studentId: string): string {
  return serializeCookie(STUDENT_COOKIE, sign(secrets.cookieKey, studentId), cookieOptions(req));
}

export function instructorCookie(req: IncomingMessage, secrets: WorkshopSecrets): string {
  return serializeCookie(INSTRUCTOR_COOKIE, sign(secrets.cookieKey, INSTRUCTOR_VALUE), cookieOptions(req));
}

/** The student id the cookie names, when its signature is ours; else null. */
export function studentIdOf(req: IncomingMessage, secrets: WorkshopSecrets): string | null {
  const value = parseCookies(req.headers.cookie).get(STUDENT_COOKIE);
  const id = value === undefined ? null : verify(secrets.cookieKey, value);
  return id !== null && studentIdSchema.safeParse(id).success ? id : null;
}

export function isInstructor(req: IncomingMessage, secrets: WorkshopSecrets): boolean {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return sameSecret(auth.slice(7).trim(), secrets.instructorToken);
  const value = parseCookies(req.headers.cookie).get(INSTRUCTOR_COOKIE);
  return value !== undefined && verify(secrets.cookieKey, value) === INSTRUCTOR_VALUE;
}
