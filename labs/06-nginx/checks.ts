// What the app behind nginx must do, asked the way a client asks: through nginx on 8888. Only the
// stream check goes to the app itself, because nginx hides the header it looks for.
import { z } from 'zod';
import type { Check } from '../../server/contracts/check.ts';
import { describeResponse, expectJson, expectStatus, fail } from '../../server/checks/expect.ts';
import { publish, STATS_SHAPE, statsAnswerSchema } from '../../server/checks/feed.ts';
import { lastId, pollAnswerOf, timed, waitForStats } from '../../server/checks/long-poll.ts';
import { describeNginxAnswer, isNginxErrorPage, startNginxCommand, throughNginx } from '../../server/checks/through-nginx.ts';
import lab from './lab.ts';

/** A duration from lab.ts, so the checks quote the same numbers as the lesson. */
function timing(name: string): number {
  const value = lab.timing[name];
  if (value === undefined) throw new Error(`labs/06-nginx/lab.ts has no timing.${name}`);
  return value;
}

const APP_MS = timing('appTimeout');
const LATE_MS = timing('lateAnswer');
const appS = APP_MS / 1000;
const lateS = LATE_MS / 1000;
const fixedS = timing('fixedReadTimeout') / 1000;
const marginS = timing('margin') / 1000;
/** A 204 that came this much before the app's timeout did not wait the whole timeout. */
const EARLY_MS = 300;
/** How long a woken poll may take to arrive after the publish answered. */
const WAKE_MS = 1000;
const RELOAD = `/usr/sbin/nginx -p ~/${lab.id} -c nginx.conf -s reload`;

const TIMEOUT_HINT = `nginx's \`proxy_read_timeout\` is at or below the app's ${appS} s timeout, the classic mistake: nginx gives up on a waiting poll before the app answers it. Set it well above, e.g. \`proxy_read_timeout ${fixedS}s;\`, then \`${RELOAD}\`.`;

const whoamiSchema = z.object({
  peer: z.string().nullable(),
  headers: z.record(z.string(), z.string().nullable()),
});

/** A Host and an address the check claims for itself, to see whether nginx passes on the real ones. */
const CLAIMED_HOST = 'feed.example';
const CLAIMED_IP = '203.0.113.9';

const checks: Check[] = [
  {
    id: 'nginx-reaches-app',
    title: 'nginx answers on port 8888 with the app\'s answer',
    hint: `Start nginx in a second terminal: \`${startNginxCommand(lab.id)}\``,
    async run(probe) {
      const res = await throughNginx(probe, lab.id).request({ path: '/stats' });
      if (res.status === 502 && isNginxErrorPage(res)) {
        fail('the app\'s /stats, passed on by nginx', `${describeNginxAnswer(res)}: nginx runs but could not connect to the app`,
          'Start the app (press Run), and check that `proxy_pass` points at 127.0.0.1:8999. logs/error.log says what nginx tried.');
      }
      expectStatus(res, 200, 'for GET /stats through nginx');
      expectJson(res, statsAnswerSchema, `the app's ${STATS_SHAPE}`);
      return { status: 'pass' };
    },
  },
  {
    id: 'poll-204-through-nginx',
    title: `A poll that waits the app's whole ${appS} s gets the app's 204 through nginx, not a 504`,
    hint: TIMEOUT_HINT,
    async run(probe) {
      const nginx = throughNginx(probe, lab.id);
      const since = await lastId(nginx);
      const res = await nginx.request({ path: `/poll?since=${since}&timeout=${appS}`, timeoutMs: APP_MS + 1500 });
      const expected = `the app's 204 No Content after its ${appS} s wait`;
      if (res.status === 504 && isNginxErrorPage(res)) {
        fail(expected, `${describeNginxAnswer(res)}: nginx stopped waiting ${APP_MS - res.ms} ms before the app would have answered`);
      }
      if (res.timedOut || res.status !== 204) fail(expected, describeNginxAnswer(res));
      if (res.ms < APP_MS - EARLY_MS) {
        fail(expected, `204 after only ${res.ms} ms`,
          `The app's timeout in this lab is ${appS} s (MAX_TIMEOUT_S in server.ts): keep it, and fix nginx instead.`);
      }
      return { status: 'pass', seen: `204 No Content after ${res.ms} ms` };
    },
  },
  {
    id: 'read-timeout-margin',
    title: `nginx still waits for an answer that comes ${lateS - appS} s after the app's timeout`,
    hint: `Leave at least ${marginS} s between the app's ${appS} s timeout and \`proxy_read_timeout\`, e.g. \`proxy_read_timeout ${fixedS}s;\`, then \`${RELOAD}\`.`,
    async run(probe) {
      const res = await throughNginx(probe, lab.id).request({ path: `/slow?seconds=${lateS}`, timeoutMs: LATE_MS + 900 });
      const expected = `200 OK from GET /slow?seconds=${lateS}, an answer ${lateS - appS} s later than a poll's latest`;
      if (res.status === 504 && isNginxErrorPage(res)) {
        const why = res.ms < APP_MS - EARLY_MS
          ? `nginx gave up even before the app's own ${appS} s timeout`
          : `a proxy_read_timeout that equals the app's ${appS} s timeout, or is barely above it, has no room for an answer that comes a little late`;
        fail(expected, `${describeNginxAnswer(res)}: ${why}`);
      }
      expectStatus(res, 200, `for GET /slow?seconds=${lateS} through nginx`);
      return { status: 'pass', seen: `200 OK after ${res.ms} ms` };
    },
  },
  {
    id: 'publish-wakes-through-nginx',
    title: 'A publish through nginx wakes a poll waiting through nginx',
    hint: 'nginx passes both requests on as they come; if this fails while the checks above pass, compare your handlePublish with the solution.',
    async run(probe) {
      const nginx = throughNginx(probe, lab.id);
      const since = await lastId(nginx);
      const waiting = timed(nginx.request({ path: `/poll?since=${since}&timeout=${appS}`, timeoutMs: APP_MS + 1500 }));
      const { stats, met } = await waitForStats(nginx, (s) => s.waiters >= 1, 2000);
      if (!met) fail('the poll sent through nginx to be waiting in the app', `GET /stats through nginx says waiters ${stats.waiters}`);
      const id = await publish(nginx, { check: 'wake-through-nginx' });
      const published = performance.now();
      const { res, at } = await waiting;
      const answer = pollAnswerOf(res);
      if (!answer || answer.messages.at(-1)?.id !== id) fail(`200 OK with message ${id}`, describeNginxAnswer(res));
      const delay = Math.round(at - published);
      if (delay > WAKE_MS) fail(`message ${id} within ${WAKE_MS} ms of the publish`, `it came ${delay} ms after it`);
      return { status: 'pass', seen: `message ${id} arrived ${Math.max(delay, 0)} ms after the publish answered` };
    },
  },
  {
    id: 'proxy-headers',
    title: 'The app learns the client\'s Host, address and scheme from nginx',
    hint: 'In the `location`, add `proxy_set_header Host $host;`, `proxy_set_header X-Real-IP $remote_addr;` and `proxy_set_header X-Forwarded-Proto $scheme;`, then reload nginx.',
    async run(probe) {
      const res = await throughNginx(probe, lab.id).request({ path: '/whoami', headers: { host: CLAIMED_HOST, 'x-real-ip': CLAIMED_IP } });
      expectStatus(res, 200, 'for GET /whoami through nginx');
      const { headers } = expectJson(res, whoamiSchema, 'the app\'s {"peer":...,"headers":{...}}');
      const problems: string[] = [];
      if (headers.host !== CLAIMED_HOST) {
        problems.push(`Host was ${JSON.stringify(headers.host)}, nginx's name for the upstream, not the ${CLAIMED_HOST} the client asked for (proxy_set_header Host $host)`);
      }
      if (!headers['x-real-ip']) problems.push('X-Real-IP was missing (proxy_set_header X-Real-IP $remote_addr)');
      else if (headers['x-real-ip'] === CLAIMED_IP) {
        problems.push(`X-Real-IP was ${CLAIMED_IP}, which the client claimed itself: nginx passed it on instead of setting the address it saw (proxy_set_header X-Real-IP $remote_addr)`);
      }
      const scheme = headers['x-forwarded-proto'] ?? headers['x-scheme'];
      if (scheme !== 'http') problems.push(`X-Forwarded-Proto (or X-Scheme) was ${JSON.stringify(scheme ?? null)}, not http (proxy_set_header X-Forwarded-Proto $scheme)`);
      if (problems.length > 0) {
        fail(`the app to see Host ${CLAIMED_HOST}, the address nginx saw in X-Real-IP, and X-Forwarded-Proto http`, problems.join('; '));
      }
      return { status: 'pass', seen: `Host ${headers.host}, X-Real-IP ${headers['x-real-ip']}, scheme ${scheme}` };
    },
  },
  {
    id: 'stream-not-buffered',
    title: 'GET /stream tells nginx not to buffer it (X-Accel-Buffering: no)',
    hint: 'In handleStream, add `\'x-accel-buffering\': \'no\'` to the headers of writeHead. (`proxy_buffering off` in nginx.conf unbuffers every answer of the location instead; this check asks for the header, because the app is the one that knows which answers stream.)',
    async run(probe) {
      // Asked of the app directly: nginx acts on this header and never passes it to the client.
      const res = await probe.request({ path: '/stream?count=2&every=0.1' });
      expectStatus(res, 200, 'for GET /stream?count=2&every=0.1 on the app');
      if (res.headers['x-accel-buffering']?.toLowerCase() !== 'no') {
        fail('the header X-Accel-Buffering: no on the stream', `X-Accel-Buffering ${res.headers['x-accel-buffering'] ?? 'missing'}; ${describeResponse(res)}`);
      }
      return { status: 'pass' };
    },
  },
];

export default checks;
