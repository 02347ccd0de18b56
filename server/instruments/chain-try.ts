// The timeout chain's Try it: one real long poll, client (the host) -> nginx (in the learner's sandbox)
// -> the learner's app, with the three timeouts the page's sliders chose and an optional publish, and
// what each hop did about it (the answer, nginx's access-log status and error-log lines). One try at a
// time per learner: it may swap the nginx config, and the nginx panel waits for it.
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { ChainResult, ChainTryBody } from '../contracts/instruments.ts';
import type { ProbeResponse } from '../contracts/check.ts';
import { createHttpProbe } from '../checks/http-probe.ts';
import { HttpError, badRequest } from '../http/errors.ts';
import type { Lab } from '../labs/registry.ts';
import { waitForListening, type Learner } from '../learners/learner.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { writeInside } from '../workspace/safe-fs.ts';
import { inLab } from '../workspace/store.ts';
import { describeTry } from './chain-detail.ts';
import { CHAIN_CONFIG_PATH, chainNginxConfig, configWaits } from './chain-config.ts';
import type { InstrumentsHub } from './hub.ts';
import { readSmallInHome } from './nginx-files.ts';
import { LogFollower } from './nginx-logs.ts';
import { recordedProbe } from './recorded-probe.ts';

const LISTEN_WAIT_MS = 5_000;
const SHORT_REQUEST_MS = 2_000;
/** nginx writes the access-log line as it finishes the request: a moment after the client saw the end. */
const LOG_WAIT_MS = 1_500;
export const MAX_CONFIG_BYTES = 256 * 1024;

const trying = new WeakSet<Learner>();

export function chainBusy(learner: Learner): boolean {
  return trying.has(learner);
}

export async function tryChain(learner: Learner, lab: Lab, body: ChainTryBody, hub: InstrumentsHub): Promise<ChainResult> {
  if (body.nginxS !== null && !lab.meta.services.includes('nginx')) {
    throw badRequest('This lab has no nginx: set nginxS to null to poll the app directly.', 'no_nginx');
  }
  if (trying.has(learner)) throw new HttpError(409, 'chain_busy', 'A Try it is still running; wait for its answer.');
  trying.add(learner);
  try {
    await learner.store.open(lab);
    const sandbox = await learner.sandbox();
    await ensureApp(learner, lab, sandbox);
    const restore = body.nginxS === null ? null : await nginxFor(learner, lab, sandbox, body.nginxS);
    try {
      return await pollOnce(learner, lab, sandbox, body, hub);
    } finally {
      await restore?.();
    }
  } finally {
    trying.delete(learner);
  }
}

async function ensureApp(learner: Learner, lab: Lab, sandbox: Sandbox): Promise<void> {
  const state = await learner.appState(lab);
  if (state.listening) return;
  if (state.state !== 'running' && state.state !== 'starting') await learner.run(lab);
  await waitForListening(sandbox, LISTEN_WAIT_MS);
  if (!sandbox.appState().listening) {
    throw new HttpError(409, 'app_not_listening', 'The app is not listening on port 8999: run it and read its output.');
  }
}

/**
 * Makes nginx wait nginxS for the app. The learner's own nginx runs the try when its config already
 * says so; otherwise nginx restarts with a config made for the try, and the returned function puts the
 * learner's nginx back as it was (running with their nginx.conf, or stopped).
 */
async function nginxFor(learner: Learner, lab: Lab, sandbox: Sandbox, nginxS: number): Promise<(() => Promise<void>) | null> {
  const id = lab.meta.id;
  const wasRunning = (await learner.labServiceState(lab, 'nginx')).state === 'running';
  const own = await readSmallInHome(learner.store.homeDir, `${id}/nginx.conf`, MAX_CONFIG_BYTES).catch(() => null);
  if (wasRunning && own !== null && configWaits(own, nginxS)) {
    await untilNginxListens(sandbox);
    return null;
  }
  await writeInside(learner.store.homeDir, inLab(lab, CHAIN_CONFIG_PATH), chainNginxConfig(nginxS), await ownerOf(learner.store.homeDir));
  const restore = async () => {
    // A config of theirs that now fails `nginx -t` leaves the try's nginx running: stop that one.
    const back = wasRunning ? learner.startService(lab, 'nginx') : Promise.reject(new Error('it was stopped'));
    await back.catch(() => learner.stopService('nginx'));
  };
  try {
    await learner.startService(lab, 'nginx', CHAIN_CONFIG_PATH);
    await untilNginxListens(sandbox);
  } catch (error) {
    await restore();
    throw error;
  }
  return restore;
}

/** As root, files made in the learner's home are theirs, so they can read and remove them. */
async function ownerOf(home: string): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const info = await stat(home);
  return info.uid === 0 ? undefined : { uid: info.uid, gid: info.gid };
}

async function untilNginxListens(sandbox: Sandbox): Promise<void> {
  const deadline = Date.now() + LISTEN_WAIT_MS;
  while (!sandbox.serviceState('nginx').listening) {
    const { state } = sandbox.serviceState('nginx');
    if (state === 'exited' || state === 'stopped' || Date.now() > deadline) {
      throw new HttpError(409, 'nginx_not_listening', 'nginx did not start listening on port 8888 for the try; its output says why.');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function pollOnce(learner: Learner, lab: Lab, sandbox: Sandbox, body: ChainTryBody, hub: InstrumentsHub): Promise<ChainResult> {
  const tap = hub.traffic(lab.meta.id);
  const probe = recordedProbe(createHttpProbe((port) => sandbox.connect(port)), tap, 'chain');
  const publish = async () => {
    const at = Date.now();
    const answer = await probe.request({
      method: 'POST', path: '/publish', body: JSON.stringify({ text: 'Try it' }),
      headers: { 'content-type': 'application/json' }, timeoutMs: SHORT_REQUEST_MS,
    }).catch(() => null);
    tap.published({ at, ...publishedIds(answer) });
  };
  const since = await cursorOf(probe.request({ path: '/stats', timeoutMs: SHORT_REQUEST_MS }));
  const home = learner.store.homeDir;
  const logs = body.nginxS === null ? null : { error: new LogFollower(home, lab.meta.id, 'error'), access: new LogFollower(home, lab.meta.id, 'access') };
  await Promise.all([logs?.error.next(), logs?.access.next()]);
  if (body.messageAtS === 0) await publish();

  // The marker finds this poll's lines in nginx's logs and its record on the timeline; the feed
  // contract ignores other parameters.
  const marker = randomBytes(4).toString('hex');
  const port = body.nginxS === null ? 8999 : 8888;
  const path = `/poll?since=${since}&timeout=${body.appS}&try=${marker}`;
  const publisher = body.messageAtS !== null && body.messageAtS > 0 ? setTimeout(() => void publish(), body.messageAtS * 1000) : undefined;
  const started = performance.now();
  let answer: ProbeResponse | null = null;
  let problem: string | null = null;
  try {
    answer = await probe.request({ port, path, timeoutMs: body.clientS * 1000 });
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(publisher);
  }
  const atS = Math.round(performance.now() - started) / 1000;
  const status = answer && !answer.timedOut ? answer.status : null;
  const seen = logs ? await logLinesOf(logs, marker) : { nginxLogged: null, errorLog: [] };
  const result = { outcome: chainOutcome(status, answer?.timedOut ?? false), status, atS, nginxLogged: seen.nginxLogged };
  const exchange = tap.recent().findLast((record) => record.path === path) ?? null;
  return { ...result, errorLog: seen.errorLog, exchange, detail: describeTry(body, result, problem) };
}

function chainOutcome(status: number | null, timedOut: boolean): ChainResult['outcome'] {
  if (timedOut) return 'client-abort';
  if (status === 200) return 'data';
  if (status === 204) return 'empty';
  if (status === 504) return 'gateway-timeout';
  return 'error';
}

/** The id and waiter count of a publish's answer (`{"id":N,"waiters":W}`), null where it has none. */
function publishedIds(answer: ProbeResponse | null): { id: number | null; waiters: number | null } {
  let value: { id?: unknown; waiters?: unknown } = {};
  try {
    if (answer?.status === 200) value = JSON.parse(answer.body) as typeof value;
  } catch {
    // not the feed contract's answer
  }
  const count = (v: unknown) => (Number.isInteger(v) ? (v as number) : null);
  return { id: count(value.id), waiters: count(value.waiters) };
}

/** The feed's last id, so the poll waits for news instead of answering with old messages. */
async function cursorOf(stats: Promise<ProbeResponse>): Promise<number> {
  const answer = await stats.catch(() => null);
  let lastId: unknown;
  try {
    lastId = answer?.status === 200 ? (JSON.parse(answer.body) as { last_id?: unknown }).last_id : undefined;
  } catch {
    lastId = undefined;
  }
  if (typeof lastId !== 'number' || !Number.isInteger(lastId) || lastId < 0) {
    throw new HttpError(409, 'no_feed', 'The app did not answer GET /stats with {"last_id": N}: the Try it needs the feed contract (labs 3 and on).');
  }
  return lastId;
}

/** nginx's lines about this poll: the access-log status, once written, and the error-log lines that name it. */
async function logLinesOf(logs: { error: LogFollower; access: LogFollower }, marker: string): Promise<{ nginxLogged: number | null; errorLog: string[] }> {
  const errorLog: string[] = [];
  const deadline = Date.now() + LOG_WAIT_MS;
  for (;;) {
    const [errors, access] = await Promise.all([logs.error.next(), logs.access.next()]).catch(() => [null, null] as const);
    errorLog.push(...(errors?.lines ?? []).filter((line) => line.includes(marker)));
    const entry = access?.access.find((line) => line.request.includes(marker));
    if (entry) return { nginxLogged: entry.status, errorLog };
    if (Date.now() > deadline) return { nginxLogged: null, errorLog };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
