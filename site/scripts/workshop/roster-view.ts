// The roster table: one row per student, rebuilt from each state the dashboard receives.
import type { ControlStatus, RosterEntry } from '../../../server/contracts/workshop.ts';
import { rosterControlBadge } from './control-words.ts';
import { h, reconcile } from './dom.ts';
import { formatAgo, formatBytes, formatCpu, type CourseItemView } from './format.ts';

function checksCell(entry: RosterEntry, course: readonly CourseItemView[]): HTMLElement {
  const list = h('ul', { class: 'checks-list' });
  for (const lab of course) {
    const standing = entry.labs[lab.id];
    if (!standing) continue;
    const done = standing.completedAt !== null || (standing.total > 0 && standing.passed === standing.total);
    list.append(h('li', { class: done ? 'chip done' : 'chip', title: `Lab ${lab.number}: ${lab.title}` },
      h('span', { class: 'visually-hidden' }, `Lab ${lab.number}: ${standing.passed} of ${standing.total}`),
      h('span', { 'aria-hidden': 'true' }, `L${lab.number} ${done ? '✓' : `${standing.passed}/${standing.total}`}`)));
  }
  return list.childElementCount ? list : h('span', { class: 'muted' }, 'none yet');
}

export function renderRoster(tbody: HTMLElement, roster: readonly RosterEntry[], controls: readonly ControlStatus[], course: readonly CourseItemView[], now: number): void {
  const labTitle = (id: string | null) => {
    const lab = course.find((item) => item.id === id);
    return lab ? `${lab.number}. ${lab.title}` : '–';
  };
  const sorted = [...roster].sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
  const ago = (entry: RosterEntry) => formatAgo(entry.lastActivity, now);
  const controlsOf = (entry: RosterEntry) => controls.filter((control) => control.student === entry.id);
  reconcile(tbody, sorted, (entry) => entry.id, (entry) => `${JSON.stringify(entry)}|${JSON.stringify(controlsOf(entry))}|${ago(entry)}`, (entry) =>
    h('tr', { 'data-student': entry.id, 'data-online': String(entry.online) },
      h('th', { scope: 'row' },
        h('a', { href: `/workshop/student/?id=${encodeURIComponent(entry.id)}`, 'data-focus-key': `view:${entry.id}` }, entry.name),
        entry.handRaised && h('span', { class: 'badge hand' }, 'hand raised'),
        ...controlsOf(entry).map((control) => h('span', { class: 'badge control', 'data-control': control.state }, rosterControlBadge(control, course)))),
      h('td', {}, h('span', { class: `dot ${entry.online ? 'on' : 'off'}`, 'aria-hidden': 'true' }), entry.online ? 'online' : 'away'),
      h('td', {}, labTitle(entry.currentLab)),
      h('td', {}, checksCell(entry, course)),
      h('td', { title: entry.lastActivity ?? '' }, ago(entry)),
      h('td', { class: 'num' }, entry.usage?.running ? formatCpu(entry.usage.cpu) : '–'),
      h('td', { class: 'num' }, entry.usage?.running ? formatBytes(entry.usage.memoryBytes) : '–'),
      h('td', {}, h('button', {
        type: 'button', class: 'button small', 'data-action': 'reset', 'data-student': entry.id, 'data-name': entry.name,
        'data-focus-key': `reset:${entry.id}`, 'aria-label': `Reset a lab of ${entry.name}`,
      }, 'Reset lab…'))));
}
