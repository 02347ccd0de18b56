// The simulated clients panel: reads the knobs, starts and stops a run, and shows each `run` message
// as counters per group and a chart of requests per second over the run (short vs long side by side).
import { loadRunBodySchema, type LoadRunState } from '../../../../server/contracts/instruments.ts';
import { lineChart } from './chart.ts';
import { counterColumns, counterRows, describeRun } from './counters.ts';
import type { InstrumentsApi } from './instruments-api.ts';

export interface ClientsPanel {
  show(run: LoadRunState): void;
}

const groupColours = {
  short: { light: '#9a7400', dark: '#d8b03a' },
  long: { light: '#0969da', dark: '#58a6ff' },
};

function renderCounters(host: HTMLElement, run: LoadRunState): void {
  const table = document.createElement('table');
  table.className = 'counter-table';
  const caption = table.createCaption();
  caption.textContent = `Counters of the ${run.mode === 'compare' ? 'comparison' : `${run.mode}-polling`} run against ${run.target === 'nginx' ? 'nginx' : 'the app'}`;
  const head = table.createTHead().insertRow();
  for (const name of ['Measure', ...counterColumns(run)]) {
    const cell = document.createElement('th');
    cell.scope = 'col';
    cell.textContent = name;
    head.append(cell);
  }
  const body = table.createTBody();
  for (const row of counterRows(run)) {
    const line = body.insertRow();
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = row.measure;
    line.append(name);
    for (const value of row.values) line.insertCell().textContent = value;
  }
  host.replaceChildren(table);
}

/** The chart's points, one per `run` message: elapsed seconds and requests per second of each group. */
function createHistory(host: HTMLElement) {
  let runId = '';
  const xs: number[] = [];
  const ys: { short: Array<number | null>; long: Array<number | null> } = { short: [], long: [] };
  const chart = lineChart(host, {
    xLabel: 'time into the run (s)',
    yLabel: 'requests/s',
    series: [{ label: 'short polling (req/s)', colour: groupColours.short }, { label: 'long polling (req/s)', colour: groupColours.long, dash: [6, 3] }],
  });
  return (run: LoadRunState) => {
    if (run.run !== runId) {
      runId = run.run;
      xs.length = 0;
      ys.short.length = 0;
      ys.long.length = 0;
    }
    const x = run.elapsedMs / 1000;
    if (xs.length && x <= xs.at(-1)!) return;
    xs.push(x);
    for (const mode of ['short', 'long'] as const) ys[mode].push(run.groups.find((group) => group.mode === mode)?.requestsPerSecond ?? null);
    chart.set(xs, [ys.short, ys.long]);
  };
}

export function createClientsPanel(root: HTMLElement, api: InstrumentsApi | null): ClientsPanel {
  const form = root.querySelector<HTMLFormElement>('[data-clients-form]')!;
  const start = root.querySelector<HTMLButtonElement>('[data-action="start-clients"]')!;
  const stop = root.querySelector<HTMLButtonElement>('[data-action="stop-clients"]')!;
  const status = root.querySelector<HTMLElement>('[data-clients-status]')!;
  const counters = root.querySelector<HTMLElement>('[data-counters]')!;
  const record = createHistory(root.querySelector<HTMLElement>('[data-clients-chart]')!);
  let running = false;

  function setRunning(value: boolean): void {
    running = value;
    start.disabled = value || !api;
    stop.disabled = !value || !api;
  }
  setRunning(false);
  if (!api) for (const field of form.elements) (field as HTMLInputElement).disabled = true;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!api || running) return;
    const values = Object.fromEntries([...new FormData(form)].map(([name, value]) => [name, name === 'mode' || name === 'target' ? value : Number(value)]));
    const body = loadRunBodySchema.safeParse(values);
    if (!body.success) {
      status.textContent = `Check the knobs: ${body.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`;
      return;
    }
    setRunning(true);
    status.textContent = 'Starting…';
    api.startLoad(body.data).then(show, (error: Error) => {
      setRunning(false);
      status.textContent = `Could not start: ${error.message}`;
    });
  });
  stop.addEventListener('click', () => {
    api?.stopLoad().catch((error: Error) => { status.textContent = `Could not stop: ${error.message}`; });
  });

  function show(run: LoadRunState): void {
    setRunning(run.state === 'running');
    status.textContent = describeRun(run);
    root.dataset.runState = run.state;
    renderCounters(counters, run);
    record(run);
  }
  return { show };
}
