// What a running sandbox tells the host unasked: its app's and services' states (the latest kept for
// whoever asks), their output, the app's event-loop lag, and the sandbox's own end.
import { isUp, type AppState } from '../contracts/api.ts';
import type { AppOutput, ServiceName, ServiceState } from './types.ts';

class Listeners<A extends unknown[]> {
  readonly #listeners = new Set<(...args: A) => void>();

  add(listener: (...args: A) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(...args: A): void {
    for (const listener of this.#listeners) listener(...args);
  }
}

const stoppedState = (): AppState => ({ state: 'stopped', listening: false, exitCode: null, signal: null, since: new Date().toISOString() });

/** A process that still ran when its sandbox ended was killed with it; null when it had already ended. */
const killed = (state: AppState): AppState | null => (isUp(state)
  ? { ...state, state: 'exited', listening: false, signal: 'SIGKILL', since: new Date().toISOString() }
  : null);

export class SandboxEvents {
  readonly appStates = new Listeners<[state: AppState]>();
  readonly appOutput = new Listeners<[output: AppOutput]>();
  readonly appLag = new Listeners<[maxMs: number]>();
  readonly serviceStates = new Listeners<[name: ServiceName, state: ServiceState]>();
  readonly serviceOutput = new Listeners<[name: ServiceName, output: AppOutput]>();
  readonly end = new Listeners<[reason: string]>();
  #app: AppState = stoppedState();
  readonly #services: Record<ServiceName, ServiceState> = { nginx: stoppedState(), redis: stoppedState() };

  app(): AppState {
    return this.#app;
  }

  service(name: ServiceName): ServiceState {
    return this.#services[name];
  }

  setApp(state: AppState): void {
    this.#app = state;
    this.appStates.emit(state);
  }

  setService(name: ServiceName, state: ServiceState): void {
    this.#services[name] = state;
    this.serviceStates.emit(name, state);
  }

  /** The sandbox has ended: what still ran in it is told as killed, since no supervisor is left to say so. */
  killAll(): void {
    const app = killed(this.#app);
    if (app) this.setApp(app);
    for (const name of Object.keys(this.#services) as ServiceName[]) {
      const service = killed(this.#services[name]);
      if (service) this.setService(name, service);
    }
  }
}
