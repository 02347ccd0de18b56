// The instructor's dashboard: follows the dashboard's long poll and redraws from each whole state it
// delivers (a class is small), and turns the page's buttons and forms into instructor API calls.
import type { WorkshopState } from '../../../server/contracts/workshop.ts';
import { ApiError, instructorApi } from './api.ts';
import { confirmWith } from './confirm.ts';
import { classProgress, describePace, type CourseItemView } from './format.ts';
import { renderHelp } from './help-view.ts';
import { renderJoinCode } from './join-code-view.ts';
import { followFeed, type FeedState } from './long-poll.ts';
import { renderProgress } from './progress-view.ts';
import { renderRoster } from './roster-view.ts';

const connectionText: Record<FeedState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Not signed in',
};
/** "5 min ago" ages even when nothing happens. */
const CLOCK_TICK_MS = 15_000;

export function startDashboard(root: HTMLElement): void {
  const course = JSON.parse(root.dataset.courseLabs ?? '[]') as CourseItemView[];
  const $ = <T extends HTMLElement = HTMLElement>(selector: string) => root.querySelector<T>(selector)!;
  let state: WorkshopState | null = null;
  /** The pace last shown in the form: the form follows the server only when that changes, not while being edited. */
  let shownPace = '';

  function render(): void {
    if (!state) return;
    const now = Date.now();
    // Redrawing replaces the buttons; give the keyboard focus back to the same one.
    const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
    $('[data-title]').textContent = state.title;
    document.title = `${state.title} · dashboard · cometlab`;
    $('[data-ended]').hidden = !state.ended;
    renderJoinCode($('.join-card'), state);
    $('[data-pace-text]').textContent = describePace(state.pace.unlockedUpTo, course);
    if (JSON.stringify(state.pace) !== shownPace) {
      shownPace = JSON.stringify(state.pace);
      $<HTMLSelectElement>('#unlock-select').value = state.pace.unlockedUpTo === null ? '' : String(state.pace.unlockedUpTo);
    }
    const waiting = renderHelp($('[data-help-list]'), state.help, course, now);
    $('[data-help-count]').textContent = String(waiting);
    $('[data-help-empty]').hidden = waiting > 0;
    renderProgress($('[data-progress-list]'), classProgress(state.roster, course));
    renderRoster($('[data-roster]'), state.roster, state.controls, course, now);
    $('[data-roster-count]').textContent = String(state.roster.length);
    $('[data-roster-empty]').hidden = state.roster.length > 0;
    if (focusKey) root.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  followFeed({
    poll: instructorApi.events,
    onAnswer(answer) {
      state = answer.state;
      render();
    },
    onState(feedState) {
      root.dataset.state = feedState;
      $('[data-connection]').textContent = connectionText[feedState];
      $('[data-refused]').hidden = feedState !== 'refused';
    },
  });
  setInterval(render, CLOCK_TICK_MS);

  /** Runs an action, showing its outcome next to the form or button that asked for it. */
  async function act(status: HTMLElement | null, action: () => Promise<unknown>, done = ''): Promise<boolean> {
    const problem = $('[data-action-error]');
    problem.hidden = true;
    if (status) status.textContent = '';
    try {
      await action();
      if (status) status.textContent = done;
      return true;
    } catch (error) {
      const message = error instanceof ApiError ? error.message : 'That did not reach the server.';
      if (status) status.textContent = message;
      else {
        problem.textContent = message;
        problem.hidden = false;
      }
      return false;
    }
  }
  const statusOf = (element: Element) => element.closest('section')?.querySelector<HTMLElement>('[data-form-status]') ?? null;

  const broadcast = $<HTMLFormElement>('[data-broadcast-form]');
  broadcast.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = broadcast.querySelector('textarea')!;
    if (!text.value.trim()) return;
    if (await act(statusOf(broadcast), () => instructorApi.broadcast(text.value.trim()), 'Sent.')) text.value = '';
  });

  const unlock = $<HTMLFormElement>('[data-unlock-form]');
  unlock.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $<HTMLSelectElement>('#unlock-select').value;
    void act(statusOf(unlock), () => instructorApi.pace(value ? Number(value) : null, null), 'Pace updated.');
  });

  const everyone = $<HTMLFormElement>('[data-everyone-form]');
  everyone.addEventListener('submit', (event) => {
    event.preventDefault();
    const lab = $<HTMLSelectElement>('#everyone-select').value;
    void act(statusOf(everyone), () => instructorApi.pace(state?.pace.unlockedUpTo ?? null, lab), 'Everyone is on their way.');
  });

  root.addEventListener('click', async (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
    if (!button) return;
    switch (button.dataset.action) {
      case 'close-code': return void act(null, () => instructorApi.joinCode('close'));
      case 'open-code': return void act(null, () => instructorApi.joinCode('open'));
      case 'rotate-code': return void act(null, () => instructorApi.joinCode('rotate'));
      case 'answer-help': return void act(null, () => instructorApi.answerHelp(Number(button.dataset.help)));
      case 'reset': {
        const dialog = $<HTMLDialogElement>('#reset-dialog');
        const student = button.dataset.student!;
        dialog.querySelector<HTMLElement>('[data-reset-student]')!.textContent = button.dataset.name ?? '';
        const current = state?.roster.find((entry) => entry.id === student)?.currentLab;
        const select = dialog.querySelector<HTMLSelectElement>('select')!;
        if (current) select.value = current;
        if (await confirmWith(dialog)) await act(null, () => instructorApi.reset(student, select.value));
        return;
      }
      case 'end':
        if (await confirmWith($<HTMLDialogElement>('#end-dialog'))) await act(null, () => instructorApi.end());
    }
  });
}
