// Reading what nginx says: `nginx -t`'s errors with their config lines, and access-log lines in the
// lab's `chain` format and nginx's default `combined` one.
import { describe, expect, it } from 'vitest';
import { accessLogEntrySchema } from '../../server/contracts/instruments.ts';
import { parseAccessLine } from '../../server/instruments/nginx-access-log.ts';
import { parseConfigErrors } from '../../server/instruments/nginx-test-errors.ts';

describe('parseConfigErrors', () => {
  it('finds the line of the config the panel shows, in both shapes nginx prints', () => {
    const output = [
      '2026/11/28 04:49:47 [emerg] 18962#18962: "proxy_read_timeout" directive invalid value in /home/learner/nginx/nginx.conf:7',
      'nginx: configuration file /home/learner/nginx/nginx.conf test failed',
    ].join('\n');
    expect(parseConfigErrors(output, 'nginx.conf')).toEqual([{ line: 7, message: '"proxy_read_timeout" directive invalid value' }]);
    expect(parseConfigErrors('nginx: [emerg] unexpected "}" in /x/nginx/nginx.conf:31\n', 'nginx.conf'))
      .toEqual([{ line: 31, message: 'unexpected "}"' }]);
  });

  it('keeps the place when the error is in another file, and leaves warnings and chatter out', () => {
    const output = [
      'nginx: [warn] the "user" directive makes sense only if the master process runs with super-user privileges in /h/nginx/nginx.conf:2',
      '2026/11/28 04:49:47 [emerg] 1#1: open() "/h/nginx/extra.conf" failed (2: No such file or directory) in /h/nginx/other.conf:3',
      'nginx: configuration file /h/nginx/nginx.conf test failed',
    ].join('\n');
    expect(parseConfigErrors(output, 'nginx.conf')).toEqual([
      { line: null, message: 'open() "/h/nginx/extra.conf" failed (2: No such file or directory) in /h/nginx/other.conf:3' },
    ]);
  });

  it('does not take a file that merely ends like the config for it', () => {
    expect(parseConfigErrors('nginx: [emerg] unknown directive "foo" in /h/nginx/my-nginx.conf:5', 'nginx.conf'))
      .toEqual([{ line: null, message: 'unknown directive "foo" in /h/nginx/my-nginx.conf:5' }]);
  });

  it('finds nothing in output that has no error', () => {
    expect(parseConfigErrors('nginx: the configuration file /h/nginx.conf syntax is ok\n', 'nginx.conf')).toEqual([]);
    expect(parseConfigErrors('', 'nginx.conf')).toEqual([]);
  });
});

describe('parseAccessLine', () => {
  const seenAt = '2026-11-28T05:00:00.000Z';

  it('reads the chain format: status, request time, upstream status and time', () => {
    const line = '127.0.0.1 "GET /poll?since=0&timeout=2.5 HTTP/1.1" 504 167 request_time=1.002 upstream_status=504 upstream_time=1.001';
    const entry = parseAccessLine(line, seenAt);
    expect(accessLogEntrySchema.parse(entry)).toEqual({
      at: seenAt, request: 'GET /poll?since=0&timeout=2.5 HTTP/1.1', status: 504,
      requestTimeS: 1.002, upstreamTimeS: 1.001, upstreamStatus: '504', raw: line,
    });
  });

  it('reads "-" as no value, and several upstream tries as the last one\'s time', () => {
    const aborted = parseAccessLine('127.0.0.1 "GET /poll HTTP/1.1" 499 0 request_time=0.800 upstream_status=- upstream_time=-', seenAt)!;
    expect(aborted).toMatchObject({ status: 499, requestTimeS: 0.8, upstreamTimeS: null, upstreamStatus: null });
    const retried = parseAccessLine('127.0.0.1 "GET /poll HTTP/1.1" 504 167 request_time=6.008 upstream_status=504, 504 upstream_time=3.004, 3.003', seenAt)!;
    expect(retried).toMatchObject({ upstreamStatus: '504, 504', upstreamTimeS: 3.003, requestTimeS: 6.008 });
  });

  it("reads lab 7's bare request time, and leaves the time unknown for an old line without one", () => {
    const entry = parseAccessLine('127.0.0.1 "GET /poll HTTP/1.1" 504 4.009s upstream=127.0.0.1:9001, 127.0.0.1:9002 upstream_status=504, 504', null)!;
    expect(entry).toMatchObject({ at: null, status: 504, requestTimeS: 4.009, upstreamStatus: '504, 504' });
  });

  it('reads the combined format, taking its time', () => {
    const entry = parseAccessLine('127.0.0.1 - - [28/Nov/2026:04:49:47 +0000] "GET /stats HTTP/1.1" 200 27 "-" "curl/7.88.1"', seenAt)!;
    expect(entry).toMatchObject({ at: '28/Nov/2026:04:49:47 +0000', request: 'GET /stats HTTP/1.1', status: 200, requestTimeS: null, upstreamTimeS: null });
  });

  it('keeps escaped quotes inside the request', () => {
    expect(parseAccessLine('10.0.0.1 "GET /a\\"b HTTP/1.1" 404 0', seenAt)?.request).toBe('GET /a\\"b HTTP/1.1');
  });

  it('refuses lines that are not access-log lines', () => {
    for (const line of ['', 'hello', '127.0.0.1 "GET / HTTP/1.1" abc 0', '2026/11/28 04:58:35 [notice] 24#24: exit', '127.0.0.1 GET / 200 0']) {
      expect(parseAccessLine(line, seenAt)).toBeNull();
    }
  });

  it('does not take a malformed time for a number', () => {
    expect(parseAccessLine('1 "GET / HTTP/1.1" 200 0 request_time=1e9 upstream_time=0x10', seenAt)).toMatchObject({ requestTimeS: null, upstreamTimeS: null });
  });
});
