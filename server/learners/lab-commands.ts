// The host's side of the `lab` command: a learner's sandbox forwards what they typed, and this runs it
// for that learner only, with the same operations as the workbench's buttons (run, stop, check, reset,
// services). The request comes from the learner's side, so it is validated here; commands run one at a
// time, a few may wait, and each has a deadline. Progress is recorded here, never by the sandbox.
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isUp, type AppState } from '../contracts/api.ts';
import type { CheckReport } from '../contracts/check.ts';
import { labRequestSchema, LAB_ANSWER_MAX_CHARS, type LabAnswer, type LabRequest, type NginxAction } from '../contracts/lab-command.ts';
import type { LoadRunState } from '../contracts/instruments.ts';
import type { EventMessage } from '../contracts/terminal.ts';
import { instrumentsFor } from '../instruments/hub.ts';
import { formatReport } from '../cli/format-report.ts';
import type { Lab } from '../labs/registry.ts';
import { readInside, readTailInside } from '../workspace/safe-fs.ts';
import { inLab } from '../workspace/store.ts';
import { chooseHint } from './lab-hints.ts';
import { targetLab } from './lab-target.ts';
import type { Learner } from './learner.ts';

const ANSWER_DEADLINE_MS = 180_000;
const LISTEN_WAIT_MS = 5_000;
const MAX_WAITING = 4;
const DEFAULT_LOG_LINES = 20;
const LOG_TAIL_BYTES = 64 * 1024;
const OUTPUT_KEPT_CHARS = 4000;
const NGINX_LOGS = ['logs/error.log', 'logs/access.log'];

export interface LabCommandOptions {
  labs: Map<string, Lab>;
  /** Records a check report as this learner's progress (what the API's check route does). */
  record(report: CheckReport): void;
}

const answer = (ok: boolean, text: string): LabAnswer => ({ ok, text });
const problem = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function describeState(state: AppState): string {
  switch (state.state) {
    case 'stopped': return 'stopped';
    case 'starting': return 'starting';
    case 'running': return state.listening ? 'running, listening' : 'running, not listening yet';
    case 'exited': return state.signal ? `down (ended by ${state.signal})` : `down (exited with code ${state.exitCode})`;
  }
}

/** The last `count` lines of a log's tail; the first line is dropped when the tail was cut mid-line. */
export function lastLines(text: string, count: number, cut: boolean): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (cut) lines.shift();
  return lines.slice(-count);
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class LabCommands {
  readonly #learner: Learner;
  readonly #options: LabCommandOptions;
  /** How many hints of each lab the learner has read (this run of the playground). */
  readonly #hintsSeen = new Map<string, number>();
  #queue: Promise<unknown> = Promise.resolve();
  #waiting = 0;

  constructor(learner: Learner, options: LabCommandOptions) {
    this.#learner = learner;
    this.#options = options;
  }

  /** Never throws: every outcome, refusals included, is an answer for the learner to read. */
  async handle(raw: unknown): Promise<LabAnswer> {
    const parsed = labRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return answer(false, `lab: the request was refused (${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'})`);
    }
    if (this.#waiting >= MAX_WAITING) return answer(false, 'lab: too many lab commands are waiting; try again when one has finished');
    this.#learner.touch();
    this.#waiting++;
    const work = this.#queue.then(() => this.#execute(parsed.data));
    this.#queue = work.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<LabAnswer>((resolve) => {
      timer = setTimeout(() => resolve(answer(false, `lab: ${parsed.data.command} did not finish within ${ANSWER_DEADLINE_MS / 1000} s`)), ANSWER_DEADLINE_MS);
    });
    try {
      const result = await Promise.race([work.catch((error) => answer(false, problem(error))), late]);
      return result.text.length > LAB_ANSWER_MAX_CHARS ? { ok: result.ok, text: `...${result.text.slice(-(LAB_ANSWER_MAX_CHARS - 3))}` } : result;
    } finally {
      clearTimeout(timer);
      work.finally(() => this.#waiting--).catch(() => undefined);
    }
  }

  async #execute(request: LabRequest): Promise<LabAnswer> {
    const target = targetLab(request, this.#options.labs);
    if ('error' in target) return answer(false, target.error);
    const { lab } = target;
    // A lab the learner never opened has no folder; acting on it would make one behind their back.
    const folder = await lstat(this.#learner.store.labDir(lab)).catch(() => null);
    if (!folder?.isDirectory()) return answer(false, `You have not opened lab "${lab.meta.id}" yet: open it on the playground's site first (that makes ~/${lab.meta.id}).`);
    switch (request.command) {
      case 'run': return this.#run(lab);
      case 'stop': {
        const before = await this.#learner.appState(lab);
        const after = await this.#learner.stop(lab);
        return answer(true, isUp(before) ? `Stopped your app (${describeState(after)}).` : 'Your app was not running.');
      }
      case 'check': return this.#check(lab);
      case 'status': return this.#status(lab);
      case 'hint': {
        const choice = chooseHint(lab.meta.hints, this.#hintsSeen.get(lab.meta.id) ?? 0, request.hint);
        this.#hintsSeen.set(lab.meta.id, choice.seen);
        return answer(choice.ok, choice.text);
      }
      case 'reset': return request.yes ? this.#reset(lab) : this.#previewReset(lab);
      case 'nginx':
        if (request.action === null) return answer(false, 'lab nginx needs start, reload, stop or logs.');
        return this.#nginx(lab, request.action, request.lines ?? DEFAULT_LOG_LINES);
      case 'load':
        if (request.load === undefined) return answer(false, 'lab load needs what to do (start, status or stop).');
        return this.#load(lab, request.load);
    }
  }

  /** Simulated clients, as the page's panel runs them; a good answer's text is the run's state as JSON. */
  async #load(lab: Lab, request: NonNullable<LabRequest['load']>): Promise<LabAnswer> {
    const runs = instrumentsFor(this.#learner).loads;
    let state: LoadRunState | null;
    try {
      if (request.action === 'start') state = (await runs.start(lab, request.run)).state;
      else if (request.action === 'stop') state = await runs.stop(lab.meta.id);
      else state = runs.state(lab.meta.id);
    } catch (error) {
      return answer(false, `lab load: ${problem(error)}`);
    }
    return state ? answer(true, JSON.stringify(state)) : answer(false, `lab load: there is no load run for lab ${lab.meta.id}.`);
  }

  /** Starts the app and waits (a little) for it to listen or fail; its output is shown when it fails. */
  async #run(lab: Lab): Promise<LabAnswer> {
    const output: string[] = [];
    let started = false;
    let settle = () => {};
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const unsubscribe = this.#learner.subscribe((event: EventMessage) => {
      if (!('lab' in event) || event.lab !== lab.meta.id) return;
      if (event.type === 'app-output') output.push(event.text);
      if (event.type === 'app-state' && started && (event.listening || event.state === 'exited' || event.state === 'stopped')) settle();
    });
    let state: AppState;
    try {
      state = await this.#learner.run(lab);
      started = true;
      state = await this.#learner.appState(lab);
      if (!state.listening && isUp(state)) {
        await Promise.race([settled, delay(LISTEN_WAIT_MS)]);
        state = await this.#learner.appState(lab);
      }
    } finally {
      unsubscribe();
    }
    const command = `node ${lab.meta.entry} in ~/${lab.meta.id}`;
    if (state.listening) return answer(true, `Your app runs (${command}) and listens on 127.0.0.1:${lab.meta.ports.app}.`);
    const said = output.join('').slice(-OUTPUT_KEPT_CHARS).trimEnd();
    return answer(false, `Your app (${command}) is ${describeState(state)}, not listening on ${lab.meta.ports.app}.${said ? `\nIts output:\n${said}` : ''}`);
  }

  async #check(lab: Lab): Promise<LabAnswer> {
    const report = await this.#learner.check(lab);
    this.#options.record(report);
    return answer(report.passed === report.total, formatReport(report));
  }

  async #status(lab: Lab): Promise<LabAnswer> {
    const lines = [`Lab ${lab.meta.number}: ${lab.meta.title} (~/${lab.meta.id})`, `  app    ${describeState(await this.#learner.appState(lab))} (node ${lab.meta.entry}, port ${lab.meta.ports.app})`];
    for (const service of lab.meta.services) {
      lines.push(`  ${service.padEnd(6)} ${describeState(await this.#learner.serviceState(service))}`);
    }
    return answer(true, lines.join('\n'));
  }

  async #previewReset(lab: Lab): Promise<LabAnswer> {
    const home = this.#learner.store.homeDir;
    const changed: string[] = [];
    for (const { path } of lab.meta.files) {
      const [mine, starter] = await Promise.all([readInside(home, inLab(lab, path)).catch(() => undefined), readFile(join(lab.starterDir, path), 'utf8')]);
      if (mine !== starter) changed.push(path);
    }
    const files = lab.meta.files.map((file) => file.path).join(', ');
    const loss = changed.length === 0
      ? 'Your files are the same as the starter: nothing would be lost.'
      : `Your changes to ${changed.join(', ')} would be lost.`;
    return answer(false, `lab reset puts ${files} back to the starter of lab ${lab.meta.id}. ${loss}\nFiles you made yourself stay. Nothing was changed.\nTo reset: lab reset --yes`);
  }

  async #reset(lab: Lab): Promise<LabAnswer> {
    const files = await this.#learner.reset(lab);
    return answer(true, `Put ${files.map((file) => file.path).join(', ')} back to the starter; an open lab page shows them too.`);
  }

  async #nginx(lab: Lab, action: NginxAction, lines: number): Promise<LabAnswer> {
    if (!lab.meta.services.includes('nginx')) return answer(false, `Lab ${lab.meta.id} does not use nginx.`);
    const here = `~/${lab.meta.id}`;
    switch (action) {
      case 'start':
        try {
          await this.#learner.startService(lab, 'nginx');
        } catch (error) {
          return answer(false, `nginx did not start. ${problem(error)}`);
        }
        return answer(true, `nginx runs on 127.0.0.1:${lab.meta.ports.nginx ?? 8888} with ${here}/nginx.conf:\n  nginx -p ${here} -c nginx.conf -g 'daemon off;'\nAfter editing nginx.conf: lab nginx reload. Its logs: lab nginx logs.`);
      case 'reload':
        try {
          await this.#learner.reloadService('nginx');
        } catch (error) {
          return answer(false, `nginx kept its old configuration:\n${problem(error)}`);
        }
        return answer(true, `nginx -t passed, and nginx reloaded ${here}/nginx.conf (the signal nginx -p ${here} -c nginx.conf -s reload sends).`);
      case 'stop': {
        const state = await this.#learner.stopService('nginx');
        return answer(true, isUp(state) ? `nginx is still ${describeState(state)}.` : 'nginx is stopped.');
      }
      case 'logs': return this.#logs(lab, lines);
    }
  }

  /** The log files are the learner's (nginx writes them as the learner): read with the workspace's safe reads. */
  async #logs(lab: Lab, count: number): Promise<LabAnswer> {
    const home = this.#learner.store.homeDir;
    const parts: string[] = [];
    for (const log of NGINX_LOGS) {
      let shown: string;
      try {
        const tail = await readTailInside(home, inLab(lab, log), LOG_TAIL_BYTES);
        shown = tail === undefined ? '  (no such file yet: nginx makes it when it starts)' : lastLines(tail.text, count, tail.cut).join('\n') || '  (empty)';
      } catch (error) {
        shown = `  (cannot be read here: ${problem(error)})`;
      }
      parts.push(`==> ~/${lab.meta.id}/${log} <==\n${shown}`);
    }
    return answer(true, parts.join('\n\n'));
  }
}
