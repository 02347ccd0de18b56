// The toolbar: Run, Stop, Check my work, Show solution, Reset, and the app's state badge.
import { api, type AppState } from './api.ts';
import { isUp } from '../../../server/contracts/api.ts';
import { renderChecks, renderChecksMessage, summaryText } from './checks-view.ts';
import type { WorkbenchEditor, EditorFile } from './editor.ts';
import type { Saver } from './saver.ts';
import type { Tabs } from './tabs.ts';

export interface ControlsUi {
  root: HTMLElement;
  status: HTMLElement;
  checks: HTMLElement;
  checksTab: HTMLElement;
  notice: HTMLElement;
}

export interface Controls {
  showState(state: AppState): void;
}

interface Deps {
  lab: string;
  appPort: number;
  files: EditorFile[];
  editor: WorkbenchEditor;
  saver: Saver;
  panelTabs: Tabs;
}

const CHECKS_TAB_INDEX = 2;

export function describeState(state: AppState, port: number): string {
  switch (state.state) {
    case 'stopped': return 'App: stopped';
    case 'starting': return 'App: starting…';
    case 'running': return state.listening ? `App: running, listening on :${port}` : `App: running, not listening on :${port} yet`;
    case 'exited': return state.signal ? `App: stopped by ${state.signal}` : `App: exited with code ${state.exitCode ?? '?'}`;
  }
}

const servicePorts: Record<string, number> = { nginx: 8888, redis: 6379 };

export function describeService(name: string, state: AppState): string {
  switch (state.state) {
    case 'stopped': return `${name}: stopped`;
    case 'starting': return `${name}: starting…`;
    case 'running': return `${name}: running on :${servicePorts[name] ?? '?'}`;
    case 'exited': return state.signal ? `${name}: stopped by ${state.signal}` : `${name}: exited with code ${state.exitCode ?? '?'}`;
  }
}

export function showNotice(notice: HTMLElement, message: string | null): void {
  notice.hidden = message === null;
  notice.textContent = message ?? '';
}

const problem = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function bindControls(ui: ControlsUi, deps: Deps): Controls {
  const button = (action: string) => ui.root.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)!;
  const run = button('run');
  const stop = button('stop');
  const check = button('check');
  const reset = button('reset');
  const solution = button('solution');
  let viewingSolution = false;

  // States come by two roads (the events channel, and the answers to Run and Stop) and can cross: an
  // answer sent as the app started may arrive after the event that it listens. The newest change wins.
  let shownSince = '';
  function showState(state: AppState): void {
    if (state.since < shownSince) return;
    shownSince = state.since;
    ui.status.textContent = describeState(state, deps.appPort);
    ui.status.dataset.state = state.state;
    const active = isUp(state);
    run.disabled = active;
    stop.disabled = !active;
  }

  /**
   * Runs an action with its button disabled; failures show in the notice. Run and Stop stay disabled
   * after success because the app's new state decides which of them is available.
   */
  async function act(target: HTMLButtonElement, action: () => Promise<void>, stateDecides = false): Promise<void> {
    target.disabled = true;
    showNotice(ui.notice, null);
    try {
      await action();
      if (!stateDecides) target.disabled = false;
    } catch (error) {
      target.disabled = false;
      showNotice(ui.notice, problem(error));
    }
  }

  run.addEventListener('click', () => act(run, async () => {
    await deps.saver.flush();
    showState(await api.run(deps.lab));
  }, true));
  stop.addEventListener('click', () => act(stop, async () => showState(await api.stop(deps.lab)), true));

  check.addEventListener('click', () => act(check, async () => {
    deps.panelTabs.selectByIndex(CHECKS_TAB_INDEX);
    renderChecksMessage(ui.checks, 'Checking…');
    ui.checksTab.querySelector('.tab-count')?.remove();
    try {
      await deps.saver.flush();
      const report = await api.check(deps.lab);
      renderChecks(ui.checks, report);
      const count = document.createElement('span');
      count.className = 'tab-count';
      count.dataset.ok = String(report.passed === report.total);
      const shown = document.createElement('span');
      shown.setAttribute('aria-hidden', 'true');
      shown.textContent = `${report.passed}/${report.total}`;
      const spoken = document.createElement('span');
      spoken.className = 'visually-hidden';
      spoken.textContent = `: ${summaryText(report)}`;
      count.append(shown, spoken);
      ui.checksTab.append(count);
    } catch (error) {
      renderChecksMessage(ui.checks, `The checks could not run: ${problem(error)}`, true);
    }
  }));

  reset.addEventListener('click', () => {
    const editable = deps.files.filter((file) => file.editable).map((file) => file.path);
    const names = editable.length > 0 ? editable.join(', ') : 'the files';
    if (!confirm(`Reset ${names} to the starting point? Your changes will be lost.`)) return;
    void act(reset, async () => {
      // Saved first, so a failed reset loses nothing; edits typed while it runs are dropped with the rest.
      await deps.saver.flush();
      const { files } = await api.reset(deps.lab);
      deps.saver.discard();
      if (viewingSolution) toggleSolutionLabel(false);
      deps.editor.replaceFiles(files);
    });
  });

  function toggleSolutionLabel(on: boolean): void {
    viewingSolution = on;
    solution.textContent = on ? 'Back to my code' : 'Show solution';
    if (!on) deps.editor.showWorkspace();
  }

  solution.addEventListener('click', () => act(solution, async () => {
    if (viewingSolution) {
      toggleSolutionLabel(false);
      return;
    }
    const { files } = await api.solution(deps.lab);
    deps.editor.showSolution(files);
    toggleSolutionLabel(true);
  }));

  for (const target of [check, reset, solution]) target.disabled = false;
  return { showState };
}
