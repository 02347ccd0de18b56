// Opens a workshop in a data dir: its store and secrets, the queued launcher, and a factory for each
// student's Learner (own workspace, away-stop of their app, shells the instructor can watch).
import { join } from 'node:path';
import type { Launcher } from '../sandbox/types.ts';
import type { Lab } from '../labs/registry.ts';
import { Learner } from '../learners/learner.ts';
import { LabCommands } from '../learners/lab-commands.ts';
import type { ProgressStore } from '../store/progress-store.ts';
import type { Log } from '../log.ts';
import { LaunchQueue } from './launch-queue.ts';
import { loadSecrets } from './secrets.ts';
import { Workshop } from './workshop.ts';
import { openWorkshopStore } from './workshop-store.ts';
import { WORKSHOP_DB } from './archive.ts';

export interface WorkshopSettings {
  /** Undefined: a new workshop gets the default title, an existing one keeps its own. */
  title?: string;
  /** Stop a student's app after this long away (their sandbox stays until idleTimeoutMs); default 10 min. */
  appIdleTimeoutMs?: number;
  /**
   * Sandboxes started at once; more wait their turn. A start mostly waits (bwrap, the supervisor's Node
   * coming up), so four overlap well on two cores: sixty students joining in 30 s reach a prompt in
   * p99 2 s with four, 14 s with two (bench/workshop-class.ts).
   */
  launchConcurrency?: number;
}

export const DEFAULT_APP_IDLE_MS = 10 * 60_000;

export function openWorkshop(options: WorkshopSettings & {
  dataDir: string; runRoot: string; labs: Map<string, Lab>; launcher: Launcher; progress: ProgressStore; log: Log; idleTimeoutMs?: number;
}) {
  if (options.launcher.status.kind !== 'bwrap') {
    throw new Error(`a workshop needs a working sandbox, and there is none: ${options.launcher.status.reason}`);
  }
  const store = openWorkshopStore(join(options.dataDir, WORKSHOP_DB));
  const queue = new LaunchQueue(options.launcher, options.launchConcurrency ?? 4);
  let progress: ProgressStore = options.progress;
  const workshop: Workshop = new Workshop({
    store,
    progress: options.progress,
    labs: options.labs,
    secrets: loadSecrets(options.dataDir),
    title: options.title,
    cgroups: queue.cgroups,
    log: options.log,
    makeLearner: (id) => new Learner(id, options.dataDir, options.runRoot, queue, options.log, {
      idleTimeoutMs: options.idleTimeoutMs,
      appIdleTimeoutMs: options.appIdleTimeoutMs ?? DEFAULT_APP_IDLE_MS,
      watchable: true,
      labCommands: (self) => {
        const commands = new LabCommands(self, { labs: options.labs, record: (report) => progress.record(self.id, report) });
        return (request) => commands.handle(request);
      },
    }),
  });
  progress = workshop.observe(options.progress);
  return {
    workshop,
    progress,
    launcher: queue,
    async close() {
      await workshop.close();
      store.close();
    },
  };
}
