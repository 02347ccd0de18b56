// The nginx panel: the active config as a diff from the lab's default, Reload (with `nginx -t`'s
// errors inline), and the error and access logs, first fetched, then followed from `nginx-log` messages.
import type { AccessLogEntry } from '../../../../server/contracts/instruments.ts';
import type { InstrumentsApi } from './instruments-api.ts';
import { diffLines } from './line-diff.ts';

const KEEP_LINES = 200;

export interface NginxPanel {
  log(log: 'error' | 'access', lines: string[], access: AccessLogEntry[]): void;
}

const cell = (row: HTMLTableRowElement, text: string) => { row.insertCell().textContent = text; };
const seconds = (value: number | null) => (value === null ? '–' : value.toFixed(3));
/** An ISO moment as its time of day (the log covers minutes, not days); anything else as it came. */
/** An ISO time as hh:mm:ss; nginx's own format as it is; '–' for an old line that had no time. */
const clock = (at: string | null) => (at === null ? '–' : /^\d{4}-\d\d-\d\dT(\d\d:\d\d:\d\d(?:\.\d+)?)/.exec(at)?.[1] ?? at);

export function createNginxPanel(root: HTMLElement, api: InstrumentsApi | null): NginxPanel {
  const status = root.querySelector<HTMLElement>('[data-nginx-status]')!;
  const testOutput = root.querySelector<HTMLElement>('[data-nginx-test]')!;
  const diff = root.querySelector<HTMLElement>('[data-nginx-diff]')!;
  const path = root.querySelector<HTMLElement>('[data-nginx-path]')!;
  const accessBody = root.querySelector<HTMLTableElement>('[data-access-log]')!.tBodies[0]!;
  const errorLog = root.querySelector<HTMLElement>('[data-error-log]')!;
  const reload = root.querySelector<HTMLButtonElement>('[data-action="reload-nginx"]')!;
  const refreshButton = root.querySelector<HTMLButtonElement>('[data-action="refresh-nginx"]')!;
  reload.disabled = refreshButton.disabled = !api;

  function appendError(lines: string[]): void {
    const text = [...errorLog.textContent!.split('\n').filter(Boolean), ...lines].slice(-KEEP_LINES).join('\n');
    errorLog.textContent = text;
    errorLog.scrollTop = errorLog.scrollHeight;
  }
  function appendAccess(entries: AccessLogEntry[]): void {
    for (const entry of entries) {
      const row = accessBody.insertRow();
      row.dataset.status = String(entry.status);
      row.title = entry.raw;
      cell(row, clock(entry.at));
      cell(row, entry.request);
      cell(row, String(entry.status));
      cell(row, seconds(entry.requestTimeS));
      cell(row, seconds(entry.upstreamTimeS));
      cell(row, entry.upstreamStatus ?? '–');
    }
    while (accessBody.rows.length > KEEP_LINES) accessBody.deleteRow(0);
  }

  async function refresh(): Promise<void> {
    if (!api) return;
    try {
      const panel = await api.nginx();
      path.textContent = `(${panel.configPath}, nginx ${panel.state})`;
      const lines = diffLines(panel.defaultConfig, panel.config);
      const changed = lines.some((line) => line.kind !== 'same');
      diff.replaceChildren(...lines.map((line) => {
        const span = document.createElement('span');
        span.className = `diff-${line.kind}`;
        span.textContent = `${line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '− ' : '  '}${line.text}\n`;
        return span;
      }));
      diff.dataset.changed = String(changed);
      if (!changed) diff.prepend('(the same as the lab\'s default)\n');
      const [errors, access] = await Promise.all([api.nginxLog('error', 50), api.nginxLog('access', 50)]);
      errorLog.textContent = '';
      appendError(errors.lines);
      accessBody.replaceChildren();
      appendAccess(access.access);
    } catch (error) {
      status.textContent = `Could not read nginx: ${(error as Error).message}`;
    }
  }

  reload.addEventListener('click', () => {
    if (!api) return;
    reload.disabled = true;
    status.textContent = 'Testing the config and reloading…';
    api.reloadNginx().then((answer) => {
      status.textContent = answer.ok ? answer.output : `Not reloaded: nginx -t found ${answer.errors.length || 'an'} error${answer.errors.length === 1 ? '' : 's'}.`;
      testOutput.hidden = answer.ok;
      testOutput.dataset.ok = String(answer.ok);
      testOutput.textContent = answer.ok
        ? answer.output
        : answer.errors.map((error) => `${error.line === null ? '' : `line ${error.line}: `}${error.message}`).join('\n') || answer.output;
      return refresh();
    }, (error: Error) => { status.textContent = `Could not reload: ${error.message}`; })
      .finally(() => { reload.disabled = false; });
  });
  refreshButton.addEventListener('click', () => void refresh());
  void refresh();

  return {
    log(log, lines, access) {
      if (log === 'error') appendError(lines);
      else appendAccess(access);
    },
  };
}
