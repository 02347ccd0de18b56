// One learner's instruments: where every instrument (simulated clients, inspector, lag meter, the chain's
// Try it, the nginx panel's log tails) sends what it measured, and where the /ws/instruments sockets of
// that learner's open pages listen. Kept beside the learner rather than inside it, so the learner's
// lifecycle code knows nothing of instruments. It also holds what outlives one page: each lab's traffic
// record (the timeline's history and the inspector's details) and the learner's load run.
import type { InstrumentMessage } from '../contracts/instruments.ts';
import type { Learner } from '../learners/learner.ts';
import { LoadRuns } from './load-runs.ts';
import { TrafficRecorder } from './traffic-recorder.ts';

export type InstrumentListener = (message: InstrumentMessage) => void;

export class InstrumentsHub {
  readonly learner: Learner;
  /** Simulated clients: one run at a time per learner, whichever lab it is for. */
  readonly loads: LoadRuns;
  private readonly listeners = new Map<string, Set<InstrumentListener>>();
  private readonly recorders = new Map<string, TrafficRecorder>();
  private lastExchangeId = 0;

  constructor(learner: Learner) {
    this.learner = learner;
    this.loads = new LoadRuns(this);
  }

  /** Exchange ids are unique per learner, so a page can update a bar it already drew. */
  newExchangeId(): number {
    return ++this.lastExchangeId;
  }

  emit(message: InstrumentMessage): void {
    for (const listener of this.listeners.get(message.lab) ?? []) listener(message);
  }

  /** Whether any page listens for this lab now (background panels stop when none has for a while). */
  listening(lab: string): boolean {
    return (this.listeners.get(lab)?.size ?? 0) > 0;
  }

  subscribe(lab: string, listener: InstrumentListener): () => void {
    let forLab = this.listeners.get(lab);
    if (!forLab) this.listeners.set(lab, (forLab = new Set()));
    forLab.add(listener);
    return () => forLab.delete(listener);
  }

  /** The lab's traffic record: give it (or a tapped probe) to anything that talks to the lab's ports. */
  traffic(lab: string): TrafficRecorder {
    let recorder = this.recorders.get(lab);
    if (!recorder) {
      recorder = new TrafficRecorder({ lab, nextId: () => this.newExchangeId(), emit: (message) => this.emit(message) });
      this.recorders.set(lab, recorder);
    }
    return recorder;
  }
}

const hubs = new WeakMap<Learner, InstrumentsHub>();

export function instrumentsFor(learner: Learner): InstrumentsHub {
  let hub = hubs.get(learner);
  if (!hub) hubs.set(learner, (hub = new InstrumentsHub(learner)));
  return hub;
}
