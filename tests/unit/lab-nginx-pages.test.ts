// How the nginx labs' checks tell nginx's own error pages from the app's answers, and what a check
// says when nothing listens on 8888.
import { describe, expect, it } from 'vitest';
import type { ProbeResponse } from '../../server/contracts/check.ts';
import { CheckFailure } from '../../server/checks/expect.ts';
import { ProbeError } from '../../server/checks/probe-error.ts';
import { describeNginxAnswer, isNginxErrorPage, throughNginx } from '../../server/checks/through-nginx.ts';

const NGINX_504 = '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';
const answer = (status: number, body: string, ms = 2003): ProbeResponse => ({ status, headers: {}, body, ms, timedOut: false });

describe('nginx error pages', () => {
  it('names nginx\'s page in nginx\'s words, with the time', () => {
    expect(isNginxErrorPage(answer(504, NGINX_504))).toBe(true);
    expect(describeNginxAnswer(answer(504, NGINX_504))).toBe('504 Gateway Time-out from nginx itself after 2003 ms');
  });

  it('leaves the app\'s own 5xx answers and ordinary answers alone', () => {
    const fromApp = answer(504, '{"error":"upstream of the app timed out"}');
    expect(isNginxErrorPage(fromApp)).toBe(false);
    expect(describeNginxAnswer(fromApp)).toBe('504 Gateway Timeout with {"error":"upstream of the app timed out"} after 2003 ms');
    expect(describeNginxAnswer(answer(204, '', 3010))).toBe('204 No Content with an empty body after 3010 ms');
    expect(describeNginxAnswer({ ...answer(0, '', 4500), timedOut: true })).toBe('no answer within 4500 ms');
  });
});

describe('throughNginx', () => {
  it('sends every request to 8888', async () => {
    const ports: (number | undefined)[] = [];
    const probe = throughNginx({ request: async (req) => { ports.push(req.port); return answer(200, ''); } }, 'nginx');
    await probe.request({ path: '/stats' });
    await probe.request({ path: '/poll', port: 8999 });
    expect(ports).toEqual([8888, 8888]);
  });

  it('turns "nothing listens on 8888" into a failure that says how to start nginx, and passes other errors on', async () => {
    const refused = throughNginx({ request: () => Promise.reject(new ProbeError('unreachable', 'nothing answered on port 8888')) }, 'scaling-out');
    const failure = await refused.request({ path: '/stats' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CheckFailure);
    expect(failure).toMatchObject({
      expected: 'nginx to answer on port 8888',
      hint: "Start nginx in a second terminal: `mkdir -p logs tmp && /usr/sbin/nginx -p ~/scaling-out -c nginx.conf -g 'daemon off;'`",
    });
    const closed = throughNginx({ request: () => Promise.reject(new ProbeError('closed', 'cut off')) }, 'nginx');
    await expect(closed.request({ path: '/stats' })).rejects.toBeInstanceOf(ProbeError);
  });
});
