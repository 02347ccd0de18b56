// The help queue: raised hands still waiting, oldest first, each with its answer button.
import type { WorkshopState } from '../../../server/contracts/workshop.ts';
import { h, reconcile } from './dom.ts';
import { formatAgo, type CourseItemView } from './format.ts';

export function renderHelp(list: HTMLElement, help: WorkshopState['help'], course: readonly CourseItemView[], now: number): number {
  const waiting = help.filter((request) => request.answeredAt === null)
    .sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt));
  const ago = (request: WorkshopState['help'][number]) => formatAgo(request.raisedAt, now);
  reconcile(list, waiting, (request) => String(request.id), (request) => `${JSON.stringify(request)}|${ago(request)}`, (request) => {
    const lab = course.find((item) => item.id === request.lab);
    return h('li', { 'data-help': String(request.id) },
      h('div', { class: 'help-who' },
        h('a', { href: `/workshop/student/?id=${encodeURIComponent(request.student)}${request.lab ? `&lab=${encodeURIComponent(request.lab)}` : ''}` }, request.name),
        h('span', { class: 'muted' }, ` · ${lab ? `lab ${lab.number}` : 'no lab'} · ${ago(request)}`)),
      request.message && h('p', { class: 'help-message' }, request.message),
      h('button', {
        type: 'button', class: 'button small', 'data-action': 'answer-help', 'data-help': String(request.id),
        'data-focus-key': `help:${request.id}`, 'aria-label': `Mark ${request.name}’s request answered`,
      }, 'Answered'));
  });
  return waiting.length;
}
