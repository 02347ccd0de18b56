// Loads the instruments only when they are wanted: live, the first time the Instruments tab opens;
// in browse mode, when the lab has a recorded run (then the tab opens by itself, it is the story).
import { recordingSchema } from '../../../../server/contracts/instruments.ts';

export interface ArmOptions {
  /** The [data-instruments] element and the panel tab that shows it. */
  host: HTMLElement;
  tab: HTMLElement;
  lab: string;
  mode: 'live' | 'recorded';
  reveal(): void;
}

function failed(host: HTMLElement, error: unknown): void {
  host.dataset.state = 'failed';
  const note = host.querySelector<HTMLElement>('[data-instruments-note]');
  if (note) note.textContent = `The instruments could not load (${error instanceof Error ? error.message : String(error)}).`;
}

async function loadRecording(options: ArmOptions): Promise<void> {
  // Every lab page has this file (null without a recording), so a static host answers 200 either way.
  const answer = await fetch(`/labs/${encodeURIComponent(options.lab)}/recording.json`).then((response) => (response.ok ? response.json() : null), () => null);
  const recording = recordingSchema.nullable().safeParse(answer);
  if (!recording.success || !recording.data) {
    options.host.dataset.state = 'none';
    const note = options.host.querySelector<HTMLElement>('[data-instruments-note]');
    if (note) note.textContent = 'The instruments draw your own traffic live; run the playground locally (npm start) to use them.';
    return;
  }
  const { showRecording } = await import('./recorded.ts');
  showRecording(options.host, recording.data);
  options.reveal();
}

export function armInstruments(options: ArmOptions): void {
  const { host, tab, lab, mode } = options;
  if (mode === 'recorded') {
    loadRecording(options).catch((error: unknown) => failed(host, error));
    return;
  }
  let started = false;
  const start = () => {
    if (started || tab.getAttribute('aria-selected') !== 'true') return;
    started = true;
    host.dataset.state = 'loading';
    import('./live.ts').then(({ startLive }) => startLive(host, lab), (error: unknown) => failed(host, error));
  };
  new MutationObserver(start).observe(tab, { attributes: true, attributeFilter: ['aria-selected'] });
  start();
}
