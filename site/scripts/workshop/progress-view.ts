// Class-wide progress: a bar per lab, with the numbers written out so the bar is never the only cue.
import { h, reconcile } from './dom.ts';
import type { LabProgressSummary } from './format.ts';

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 100));

export function renderProgress(list: HTMLElement, summaries: readonly LabProgressSummary[]): void {
  reconcile(list, summaries, (summary) => summary.lab.id, (summary) => JSON.stringify(summary), ({ lab, completed, started, here, students }) =>
    h('li', { 'data-progress-lab': lab.id },
      h('span', { class: 'progress-label' }, `${lab.number}. ${lab.title}`),
      h('span', { class: 'bar', 'aria-hidden': 'true' },
        h('span', { class: 'bar-done', style: `width: ${percent(completed, students)}%` }),
        h('span', { class: 'bar-started', style: `width: ${percent(started, students)}%` })),
      h('span', { class: 'progress-text' },
        `${completed} of ${students} done`, started ? `, ${started} working` : '', here ? ` · ${here} here now` : '')));
}
