// One recorded run: the same machinery the live instruments use (the load engine with a traffic
// recorder as its tap, the run state the page draws, the lag sampler), aimed at processes on this
// host instead of a sandbox's relay, with every message kept in order for the recording.
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { get } from 'node:http';
import type { InstrumentMessage, LagSample } from '../../server/contracts/instruments.ts';
import { LagSampler, nextProbeDelay } from '../../server/instruments/lag-sampler.ts';
import { startLoad, type LoadInput } from '../../server/instruments/load-engine.ts';
import { runState } from '../../server/instruments/run-state.ts';
import { TrafficRecorder } from '../../server/instruments/traffic-recorder.ts';

/** The lab's fixed ports (app 8999, nginx 8888) and the free host ports that stand in for them. */
export type PortMap = Partial<Record<8999 | 8888, number>>;

export type LoadPlan = Omit<LoadInput, 'baseUrl'> & { target: 'app' | 'nginx' };

const LAB_PORT = { app: 8999, nginx: 8888 } as const;

function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => resolve(socket)).once('error', reject);
  });
}

export class RecordingSession {
  readonly lab: string;
  readonly messages: InstrumentMessage[] = [];
  readonly #traffic: TrafficRecorder;
  #ids = 0;

  constructor(lab: string) {
    this.lab = lab;
    this.#traffic = new TrafficRecorder({ lab, nextId: () => this.#ids++, emit: (message) => this.messages.push(message) });
  }

  /** Runs the load engine against the lab port `target` stands for, drawing its traffic; ends with its run state. */
  async load(ports: PortMap, plan: LoadPlan): Promise<void> {
    const { target, ...input } = plan;
    const labPort = LAB_PORT[target];
    const hostPort = ports[labPort];
    if (hostPort === undefined) throw new Error(`no ${target} running for this recording`);
    const startedAt = Date.now();
    const engine = startLoad({ ...input, baseUrl: `http://127.0.0.1:${labPort}` }, { connect: () => connectTo(hostPort), tap: this.#traffic });
    const summary = await engine.done;
    this.#traffic.flush();
    const identity = { run: randomUUID(), target, state: 'finished' as const, startedAt, durationMs: input.durationMs, problem: null };
    this.messages.push({ type: 'run', lab: this.lab, run: runState(identity, summary) });
  }

  /**
   * The lag meter's outside view until `during` settles: a trivial request (GET /stats) timed from here,
   * one in flight at a time, as the playground's probe does through the relay. No preload runs here, so
   * no inside figure.
   */
  async probeLag(port: number, during: Promise<unknown>): Promise<void> {
    const sampler = new LagSampler();
    const samples: LagSample[] = [];
    let settled = false;
    const stop = () => { settled = true; };
    during.then(stop, stop);
    while (!settled) {
      const sent = performance.now();
      const answered = await new Promise<boolean>((resolve) => {
        const req = get({ host: '127.0.0.1', port, path: '/stats', timeout: 5000 }, (res) => res.resume().once('end', () => resolve(true)));
        req.once('error', () => resolve(false)).once('timeout', () => req.destroy());
      });
      const took = performance.now() - sent;
      samples.push(sampler.sample(Date.now(), answered ? Math.round(took * 10) / 10 : null));
      await new Promise((resolve) => setTimeout(resolve, nextProbeDelay(took)));
    }
    this.messages.push({ type: 'lag', lab: this.lab, samples });
  }

  finish(): InstrumentMessage[] {
    this.#traffic.flush();
    this.#traffic.close();
    return this.messages;
  }
}
