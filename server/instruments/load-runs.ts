// The learner's simulated clients: one load run at a time, through their sandbox's relay to the app or
// nginx, drawn on the lab's timeline as it goes, its state sent to the lab's pages twice a second and
// once at the end. The page's panel and `lab load` both start runs here; a run ends by itself, on stop,
// or when the sandbox ends.
import { randomUUID } from 'node:crypto';
import { loadRunBodySchema, type LoadRunBody, type LoadRunState } from '../contracts/instruments.ts';
import type { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import type { Lab } from '../labs/registry.ts';
import type { Sandbox } from '../sandbox/types.ts';
import type { InstrumentsHub } from './hub.ts';
import { startLoad, type LoadRun } from './load-engine.ts';
import { runState, type RunIdentity } from './run-state.ts';

const STATE_EVERY_MS = 500;
const PORTS = { app: 8999, nginx: 8888 } as const;

interface Slot {
  lab: string;
  identity: RunIdentity;
  engine: LoadRun;
  finished: Promise<LoadRunState>;
}

export class LoadRuns {
  readonly #hub: InstrumentsHub;
  #slot: Slot | undefined;

  constructor(hub: InstrumentsHub) {
    this.#hub = hub;
  }

  /** The lab's run in progress, or its last one; null when this lab had none since the playground started. */
  state(lab: string): LoadRunState | null {
    const slot = this.#slot;
    return slot && slot.lab === lab ? runState(slot.identity, slot.engine.snapshot()) : null;
  }

  /** The lab's run while it runs, else null. */
  running(lab: string): LoadRunState | null {
    return this.#slot?.identity.state === 'running' ? this.state(lab) : null;
  }

  /**
   * Starts a run against the lab's app or nginx, which must be running (409 otherwise, and while another
   * run goes on). `finished` resolves with the final state.
   */
  async start(lab: Lab, input: LoadRunBody): Promise<{ state: LoadRunState; finished: Promise<LoadRunState> }> {
    const body = loadRunBodySchema.parse(input);
    const learner = this.#hub.learner;
    this.#refuseWhileRunning();
    if (body.target === 'app' && !(await learner.appState(lab)).listening) {
      throw new HttpError(409, 'not_running', 'Your app is not running (or not listening on 8999 yet): start it first (Run, or lab run).');
    }
    if (body.target === 'nginx' && (await learner.labServiceState(lab, 'nginx')).state !== 'running') {
      throw new HttpError(409, 'not_running', 'nginx is not running for this lab: start it first (lab nginx start).');
    }
    const sandbox = await learner.sandbox();
    // Checked again: another start may have begun while this one waited.
    this.#refuseWhileRunning();
    return this.#begin(lab.meta.id, body, sandbox);
  }

  #refuseWhileRunning(): void {
    const busy = this.#slot?.identity.state === 'running' ? this.#slot : undefined;
    if (busy) throw new HttpError(409, 'load_running', `A load run is going on already (for lab ${busy.lab}); stop it first.`);
  }

  #begin(lab: string, body: z.output<typeof loadRunBodySchema>, sandbox: Sandbox): { state: LoadRunState; finished: Promise<LoadRunState> } {
    const port = PORTS[body.target];
    const engine = startLoad({
      baseUrl: `http://127.0.0.1:${port}`,
      clients: body.clients,
      mode: body.mode,
      intervalMs: body.intervalMs,
      timeoutS: body.timeoutS,
      durationMs: Math.round(body.durationS * 1000),
      publishEveryMs: body.publishEveryMs > 0 ? body.publishEveryMs : undefined,
    }, { connect: () => sandbox.connect(port), tap: this.#hub.traffic(lab) });
    const identity: RunIdentity = { run: randomUUID(), target: body.target, state: 'running', startedAt: Date.now(), durationMs: body.durationS * 1000, problem: null };
    const send = () => this.#hub.emit({ type: 'run', lab, run: runState(identity, engine.snapshot()) });
    const ticker = setInterval(send, STATE_EVERY_MS).unref();
    const unsubscribe = sandbox.onEnd((reason) => {
      identity.problem = `the sandbox ended (${reason})`;
      engine.stop();
    });
    const finished = engine.done.then(
      (summary) => {
        identity.state = identity.problem ? 'failed' : identity.state === 'running' ? 'finished' : identity.state;
        return runState(identity, summary);
      },
      (error: Error) => {
        identity.state = 'failed';
        identity.problem = error.message;
        return runState(identity, engine.snapshot());
      },
    ).then((state) => {
      clearInterval(ticker);
      unsubscribe();
      this.#hub.traffic(lab).flush();
      this.#hub.emit({ type: 'run', lab, run: state });
      return state;
    });
    this.#slot = { lab, identity, engine, finished };
    send();
    return { state: runState(identity, engine.snapshot()), finished };
  }

  /** Stops the lab's run; resolves with its final state, or null when none runs for this lab. */
  async stop(lab: string): Promise<LoadRunState | null> {
    const slot = this.#slot;
    if (!slot || slot.lab !== lab) return null;
    if (slot.identity.state === 'running') {
      slot.identity.state = 'stopped';
      slot.engine.stop();
    }
    return slot.finished;
  }
}
