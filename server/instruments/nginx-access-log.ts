// Reads nginx access-log lines into the panel's entries: the lab's `chain` format
// ('$remote_addr "$request" $status $body_bytes_sent request_time=.. upstream_status=.. upstream_time=..')
// and nginx's default `combined` one (which has a time but no timings). Pure.
import type { AccessLogEntry } from '../contracts/instruments.ts';

const HEAD = /^\S+ (?:\S+ \S+ \[([^\]]{1,64})\] )?"((?:[^"\\]|\\.){0,4096})" (\d{3})\b(.*)$/;
const FIELD = /(\w+)=(.*?)(?= \w+=|$)/g;
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

/** The entry of one line, or null when the line is not an access-log line we can read. seenAt: when the host read it. */
export function parseAccessLine(line: string, seenAt: string): AccessLogEntry | null {
  const head = HEAD.exec(line);
  if (!head) return null;
  const fields = new Map<string, string>();
  for (const [, name, value] of head[4]!.matchAll(FIELD)) fields.set(name!, value!.trim());
  const upstreamStatus = field(fields, NAMES.upstreamStatus);
  return {
    at: head[1] ?? seenAt,
    request: head[2]!,
    status: Number(head[3]),
    requestTimeS: lastSeconds(field(fields, NAMES.requestTime)),
    upstreamTimeS: lastSeconds(field(fields, NAMES.upstreamTime)),
    upstreamStatus: upstreamStatus === undefined || upstreamStatus === '-' ? null : upstreamStatus,
    raw: line,
  };
}
