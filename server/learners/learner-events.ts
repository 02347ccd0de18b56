// What a learner's open pages hear on /ws/events: files saved or reset from another tab, the sandbox's
// end, and the app and services it runs, each tagged with its lab so a page shows only its own lab's.
import type { EventMessage } from '../contracts/terminal.ts';
import type { Sandbox, ServiceName } from '../sandbox/types.ts';

/** Which lab the app and each service run for now; undefined while they run for none. */
export interface LabOwnership {
  app(): string | undefined;
  service(name: ServiceName): string | undefined;
}

export class LearnerEvents {
  readonly #listeners = new Set<(event: EventMessage) => void>();

  subscribe(listener: (event: EventMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: EventMessage): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** Passes on a new sandbox's app and service events, for as long as it runs. */
  forward(sandbox: Sandbox, owners: LabOwnership): void {
    sandbox.onAppState((state) => {
      const lab = owners.app();
      if (lab) this.emit({ type: 'app-state', lab, ...state });
    });
    sandbox.onAppOutput((output) => {
      const lab = owners.app();
      if (lab) this.emit({ type: 'app-output', lab, ...output });
    });
    sandbox.onServiceState((service, state) => {
      const lab = owners.service(service);
      if (lab) this.emit({ type: 'service-state', lab, service, ...state });
    });
    sandbox.onServiceOutput((service, output) => {
      const lab = owners.service(service);
      if (lab) this.emit({ type: 'service-output', lab, service, ...output });
    });
  }
}
