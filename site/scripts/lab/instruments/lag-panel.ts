// The event-loop lag meter: a toggle that asks the playground to probe the app, and a chart of the
// lag measured from outside (answer time of a trivial request) and from inside (the app's own delay).
import type { LagSample } from '../../../../server/contracts/instruments.ts';
import { lineChart } from './chart.ts';
import type { InstrumentsApi } from './instruments-api.ts';

const KEEP_MS = 120_000;
const SUMMARY_MS = 5000;

export interface LagPanel {
  add(samples: LagSample[]): void;
}

const max = (values: Array<number | null>) => {
  const known = values.filter((value): value is number => value !== null);
  return known.length ? `${Math.round(Math.max(...known))} ms` : null;
};

/** The worst lag over everything kept (a spike a while ago still shows in words, not only in the chart). */
export function describePeak(samples: LagSample[]): string {
  const outside = max(samples.map((sample) => sample.outsideMs));
  const inside = max(samples.map((sample) => sample.insideMs));
  if (!outside && !inside) return '';
  return ` Peak over the chart: outside ${outside ?? 'no answer'}, inside ${inside ?? 'not available'}.`;
}

/** "Last 5 s: outside up to 212 ms, inside up to 198 ms" (or that the app did not answer). */
export function describeLag(samples: LagSample[], nowMs: number): string {
  const recent = samples.filter((sample) => sample.at >= nowMs - SUMMARY_MS);
  if (!recent.length) return 'No samples in the last 5 s.';
  const outside = max(recent.map((sample) => sample.outsideMs));
  const unanswered = recent.filter((sample) => sample.outsideMs === null).length;
  const inside = max(recent.map((sample) => sample.insideMs));
  return `Last 5 s: outside up to ${outside ?? 'no answer'}${unanswered ? ` (${unanswered} probe${unanswered === 1 ? '' : 's'} unanswered)` : ''}`
    + `, inside ${inside ? `up to ${inside}` : 'not available'}.`;
}

export function createLagPanel(root: HTMLElement, api: InstrumentsApi | null): LagPanel {
  const toggle = root.querySelector<HTMLButtonElement>('[data-action="lag"]')!;
  const status = root.querySelector<HTMLElement>('[data-lag-status]')!;
  const samples: LagSample[] = [];
  const chart = lineChart(root.querySelector<HTMLElement>('[data-lag-chart]')!, {
    xLabel: 'time (s)',
    yLabel: 'lag (ms)',
    series: [
      { label: 'outside: answer time (ms)', colour: { light: '#cf222e', dark: '#ff6b61' } },
      { label: 'inside: event-loop delay (ms)', colour: { light: '#0969da', dark: '#58a6ff' }, dash: [6, 3] },
    ],
  });
  toggle.disabled = !api;

  toggle.addEventListener('click', () => {
    if (!api) return;
    const on = toggle.getAttribute('aria-pressed') !== 'true';
    toggle.disabled = true;
    api.lag(on).then((answer) => {
      toggle.setAttribute('aria-pressed', String(answer.on));
      toggle.textContent = answer.on ? 'Stop measuring' : 'Measure lag';
      status.textContent = answer.on ? 'Measuring…' : 'Off.';
    }, (error: Error) => { status.textContent = `Could not switch the meter: ${error.message}`; })
      .finally(() => { toggle.disabled = false; });
  });

  return {
    add(batch) {
      samples.push(...batch);
      const last = samples.at(-1)?.at ?? 0;
      while (samples.length && samples[0]!.at < last - KEEP_MS) samples.shift();
      const first = samples[0]?.at ?? 0;
      chart.set(samples.map((sample) => (sample.at - first) / 1000), [samples.map((sample) => sample.outsideMs), samples.map((sample) => sample.insideMs)]);
      status.textContent = describeLag(samples, last) + describePeak(samples);
    },
  };
}
