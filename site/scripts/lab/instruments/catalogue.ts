// Which instruments a lab shows and with which starting values, decided from its metadata at build
// time (site/components/Instruments.astro), so a lab never offers a panel that cannot work there.
import type { LabMeta } from '../../../../server/contracts/lab.ts';

export type InstrumentId = 'timeline' | 'clients' | 'lag' | 'chain' | 'nginx' | 'inspector';

export const instrumentLabel: Record<InstrumentId, string> = {
  timeline: 'Timeline',
  clients: 'Clients',
  lag: 'Lag',
  chain: 'Timeout chain',
  nginx: 'nginx',
  inspector: 'Inspector',
};

/** Labs where a blocking wait is the subject, so the event loop's lag is worth watching. */
const lagLabs = new Set(['blocking-sleep', 'timers']);
/** Labs where the timeouts of the hops are the subject. */
const chainLabs = new Set(['timeouts', 'nginx']);

type LabFacts = Pick<LabMeta, 'id' | 'services' | 'timing'>;

export function instrumentsOf(lab: LabFacts): InstrumentId[] {
  const list: InstrumentId[] = ['timeline', 'clients'];
  if (lagLabs.has(lab.id)) list.push('lag');
  if (chainLabs.has(lab.id)) list.push('chain');
  if (lab.services.includes('nginx')) list.push('nginx');
  list.push('inspector');
  return list;
}

const seconds = (ms: number | undefined, fallback: number) => (ms === undefined ? fallback : ms / 1000);

/** The simulated clients' starting values: the lab's own experiment, so the panel repeats the lesson. */
export function clientDefaults(lab: LabFacts) {
  return {
    clients: 10,
    intervalMs: lab.timing.pollInterval ?? 1000,
    timeoutS: seconds(lab.timing.pollTimeout ?? lab.timing.appTimeout ?? lab.timing.maxTimeout, 10),
    durationS: Math.min(60, seconds(lab.timing.experimentDuration, 20)),
    publishEveryMs: lab.timing.publishEvery ?? 5000,
    nginx: lab.services.includes('nginx'),
  };
}

/** The chain's sliders start where the lab's starter stands (lab 6: nginx gives up before the app answers). */
export function chainDefaults(lab: LabFacts) {
  return {
    clientS: seconds(lab.timing.clientTimeout, 10),
    nginxS: lab.services.includes('nginx') ? seconds(lab.timing.starterReadTimeout, 2) : null,
    appS: seconds(lab.timing.appTimeout ?? lab.timing.maxTimeout, 3),
  };
}
