// Checks of the labs with nginx in front (6-8) ask through port 8888 and read nginx's own answers
// (its 502 and 504 pages) as what they are, not as the app's.
import type { Probe, ProbeResponse } from '../contracts/check.ts';
import { describeResponse, fail, statusText } from './expect.ts';
import { ProbeError } from './probe-error.ts';

/** The command that starts nginx by hand, in a second terminal, from the lab's folder. */
export function startNginxCommand(labId: string): string {
  return `mkdir -p logs tmp && /usr/sbin/nginx -p ~/${labId} -c nginx.conf -g 'daemon off;'`;
}

/**
 * The same probe, but every request goes to nginx (8888). When nothing listens there the check fails
 * and says how to start nginx, instead of erroring as if the app were down.
 */
export function throughNginx(probe: Probe, labId: string): Probe {
  return {
    async request(req) {
      try {
        return await probe.request({ ...req, port: 8888 });
      } catch (error) {
        if (error instanceof ProbeError && error.kind === 'unreachable') {
          fail('nginx to answer on port 8888', error.message, `Start nginx in a second terminal: \`${startNginxCommand(labId)}\``);
        }
        throw error;
      }
    },
  };
}

/** nginx's own error pages carry its name in the body; the app's answers do not. */
export function isNginxErrorPage(res: ProbeResponse): boolean {
  return !res.timedOut && res.status >= 500 && /<center>nginx[/<]/.test(res.body);
}

/**
 * `504 Gateway Time-out from nginx itself after 2003 ms`, in nginx's words (its page's title), or the
 * usual description with the time.
 */
export function describeNginxAnswer(res: ProbeResponse): string {
  if (isNginxErrorPage(res)) {
    const title = /<title>(\d{3} [^<]+)<\/title>/.exec(res.body)?.[1] ?? statusText(res.status);
    return `${title} from nginx itself after ${res.ms} ms`;
  }
  return res.timedOut ? describeResponse(res) : `${describeResponse(res)} after ${res.ms} ms`;
}
