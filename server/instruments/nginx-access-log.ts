// Reads nginx access-log lines into the panel's entries: lab 6's `chain` format
// ('$remote_addr "$request" $status $body_bytes_sent request_time=.. upstream_status=.. upstream_time=..'),
// lab 7's `upstreams` one ('$remote_addr "$request" $status ${request_time}s upstream=.. upstream_status=..')
// and nginx's default `combined` one (which has a time but no timings). Pure.
import type { AccessLogEntry } from '../contracts/instruments.ts';

const HEAD = /^\S+ (?:\S+ \S+ \[([^\]]{1,64})\] )?"((?:[^"\\]|\\.){0,4096})" (\d{3})\b(.*)$/;
const FIELD = /(\w+)=(.*?)(?= \w+=|$)/g;
/** A bare request time right after the status, as lab 7 logs it: `200 0.004s`. */
const BARE_SECONDS = /^ (\d{1,9}(?:\.\d{1,6})?)s\b/;
const NAMES = {
  requestTime: ['request_time', 'rt'],
  upstreamTime: ['upstream_time', 'upstream_response_time', 'urt'],
  upstreamStatus: ['upstream_status', 'us'],
} as const;

/** Several upstream tries read "3.001, 0.002" (or "a : b" across redirects): the last one answered. */
function lastSeconds(value: string | undefined): number | null {
  const last = value?.split(/[,:]/).pop()?.trim();
  if (!last || !/^\d{1,9}(\.\d{1,6})?$/.test(last)) return null;
  return Number(last);
}

function field(fields: Map<string, string>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = fields.get(name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * The entry of one line, or null when the line is not an access-log line we can read. seenAt: when the
 * host read it, for a line without a time of its own (null: not known, an old line read again).
 */
export function parseAccessLine(line: string, seenAt: string | null): AccessLogEntry | null {
  const head = HEAD.exec(line);
  if (!head) return null;
  const fields = new Map<string, string>();
  for (const [, name, value] of head[4]!.matchAll(FIELD)) fields.set(name!, value!.trim());
  const upstreamStatus = field(fields, NAMES.upstreamStatus);
  return {
    at: head[1] ?? seenAt,
    request: head[2]!,
    status: Number(head[3]),
    requestTimeS: lastSeconds(field(fields, NAMES.requestTime) ?? BARE_SECONDS.exec(head[4]!)?.[1]),
    upstreamTimeS: lastSeconds(field(fields, NAMES.upstreamTime)),
    upstreamStatus: upstreamStatus === undefined || upstreamStatus === '-' ? null : upstreamStatus,
    raw: line,
  };
}
