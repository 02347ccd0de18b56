// Checks the host's control messages without zod (zod would add ~80 ms to every sandbox start and
// another mount). Mirrors hostMessageSchema in server/contracts/supervisor.ts; a unit test holds the
// two to the same verdicts.
import type { HostMessage } from '../contracts/supervisor.ts';

/** LAB_ANSWER_MAX_CHARS of server/contracts/lab-command.ts (a value import would load zod here). */
const LAB_ANSWER_MAX_CHARS = 64 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const isId = (v: unknown) => isInt(v, 1, 0xffffffff);
const isSize = (m: Record<string, unknown>) => isInt(m.cols, 1, 1000) && isInt(m.rows, 1, 1000);
const isRelativePath = (v: unknown) =>
  typeof v === 'string' && v.length <= 1024 && !v.startsWith('/') && !v.split('/').includes('..');
const isService = (v: unknown) => v === 'nginx' || v === 'redis';
const isReq = (v: unknown) => isInt(v, 0, Number.MAX_SAFE_INTEGER);

/** The message, or a one-line reason it is not one. */
export function parseHostMessage(value: unknown): HostMessage | string {
  if (!isObject(value)) return 'message is not an object';
  const m = value;
  let valid: boolean;
  switch (m.type) {
    case 'open-terminal': valid = isId(m.id) && isRelativePath(m.cwd) && isSize(m); break;
    case 'resize': valid = isId(m.id) && isSize(m); break;
    case 'ack': valid = isId(m.id) && isInt(m.bytes, 1, Number.MAX_SAFE_INTEGER); break;
    case 'close-terminal': valid = isId(m.id); break;
    case 'start-app':
      valid = isReq(m.req) && isRelativePath(m.cwd) && isRelativePath(m.entry) && (m.entry as string).length > 0;
      break;
    case 'stop-app': valid = isReq(m.req); break;
    case 'start-service': valid = isReq(m.req) && isService(m.service) && isRelativePath(m.cwd) && isRelativePath(m.config); break;
    case 'stop-service':
    case 'reload-service': valid = isReq(m.req) && isService(m.service); break;
    case 'lab-answer':
      valid = isReq(m.req) && typeof m.ok === 'boolean' && typeof m.text === 'string' && m.text.length <= LAB_ANSWER_MAX_CHARS;
      break;
    case 'shutdown': valid = true; break;
    default: return `unknown message type ${JSON.stringify(m.type)}`;
  }
  return valid ? (m as HostMessage) : `malformed ${String(m.type)} message`;
}
