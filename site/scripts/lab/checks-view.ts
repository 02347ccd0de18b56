// Renders a check report: a summary line, then each check with its verdict in words (not colour
// alone), what was expected, what was seen, and the hint.
import type { CheckReport } from './api.ts';

const verdicts = {
  pass: { icon: '✓', word: 'Pass' },
  fail: { icon: '✗', word: 'Fail' },
  error: { icon: '!', word: 'Error' },
} as const;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function summaryText(report: CheckReport): string {
  return `${report.passed} of ${report.total} ${report.total === 1 ? 'check passes' : 'checks pass'}`;
}

export function renderChecks(container: HTMLElement, report: CheckReport): void {
  const summary = element('p', 'checks-summary', summaryText(report));
  summary.dataset.ok = String(report.passed === report.total);
  const list = element('ul', 'checks-list');
  for (const result of report.results) {
    const item = element('li', 'check');
    item.dataset.status = result.status;
    const head = element('div', 'check-head');
    const verdict = verdicts[result.status];
    const mark = element('span', 'check-verdict');
    mark.append(element('span', undefined, verdict.icon), ` ${verdict.word}`);
    mark.firstElementChild?.setAttribute('aria-hidden', 'true');
    head.append(mark, element('span', 'check-title', result.title), element('span', 'check-ms', `${Math.round(result.ms)} ms`));
    item.append(head);
    if (result.status !== 'pass') {
      const details = element('dl');
      if (result.expected) details.append(element('dt', undefined, 'Expected'), element('dd', undefined, result.expected));
      if (result.seen) details.append(element('dt', undefined, 'Saw'), element('dd', undefined, result.seen));
      if (details.childElementCount) item.append(details);
      if (result.hint) item.append(element('p', 'check-hint', `Hint: ${result.hint}`));
    }
    list.append(item);
  }
  const notes = (report.notes ?? []).map((note) => element('p', 'muted', note));
  container.replaceChildren(summary, ...notes, list);
  const hints = document.getElementById('hints');
  if (report.passed < report.total && hints) {
    const pointer = element('p', 'checks-hints');
    const link = element('a', undefined, 'the hints below the lesson');
    link.href = '#hints';
    link.addEventListener('click', () => hints.querySelector('details')?.setAttribute('open', ''));
    pointer.append('Stuck? Open ', link, ', one at a time.');
    container.append(pointer);
  }
}

export function renderChecksMessage(container: HTMLElement, message: string, isError = false): void {
  const paragraph = element('p', isError ? 'checks-summary' : 'muted', message);
  if (isError) paragraph.dataset.ok = 'false';
  container.replaceChildren(paragraph);
}
