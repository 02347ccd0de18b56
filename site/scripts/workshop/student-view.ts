// The instructor's view of one student (/workshop/student/?id=<student>&lab=<lab>): the files of a lab
// and the student's terminals in it, read-only, and the request to type in them. It follows the
// dashboard's long poll, so the student's answer to that request shows (and, once allowed, the terminal
// takes typing) without a reload.
import type { TerminalInfo } from '../../../server/contracts/terminal.ts';
import { studentIdSchema, type RosterEntry, type WorkshopState } from '../../../server/contracts/workshop.ts';
import { ApiError, instructorApi, type StudentFile } from './api.ts';
import { controlFor, describeControl } from './control-words.ts';
import { h } from './dom.ts';
import { formatAgo } from './format.ts';
import { followFeed } from './long-poll.ts';
import { watchTerminal, type WatchedTerminal } from './watch-terminal.ts';

export function startStudentView(root: HTMLElement): void {
  const $ = <T extends HTMLElement = HTMLElement>(selector: string) => root.querySelector<T>(selector)!;
  const params = new URLSearchParams(location.search);
  const problem = $('[data-view-error]');
  const fail = (message: string) => { problem.textContent = message; problem.hidden = false; };
  const student = studentIdSchema.safeParse(params.get('id'));
  if (!student.success) return fail('No student is named in this address. Open a student from the dashboard.');
  const id = student.data;
  const labSelect = $<HTMLSelectElement>('#student-lab');
  const terminalStatus = (text: string) => { $('[data-terminal-status]').textContent = text; };
  let watched: WatchedTerminal | null = null;
  let state: WorkshopState | null = null;
  /** The control request last announced (lab, state and time), so each answer is said once. */
  let announced = '';

  const lab = () => labSelect.value;
  const scoped = (path: string) => `${path}?lab=${encodeURIComponent(lab())}&student=${encodeURIComponent(id)}`;

  async function showFiles(): Promise<void> {
    const list = $('[data-file-list]');
    const text = $('[data-file-text]');
    let files: StudentFile[];
    try {
      files = (await instructorApi.files(id, lab())).files;
    } catch (error) {
      list.replaceChildren();
      text.replaceChildren(h('span', { class: 'muted' }, error instanceof ApiError ? error.message : 'The files could not be read.'));
      return;
    }
    const open = (index: number) => {
      for (const [at, button] of [...list.children].entries()) button.setAttribute('aria-pressed', String(at === index));
      text.textContent = files[index]?.content ?? '';
    };
    list.replaceChildren(...files.map((file, index) => {
      const button = h('button', { type: 'button', 'aria-pressed': 'false' }, file.path);
      button.addEventListener('click', () => open(index));
      return button;
    }));
    if (files.length) open(0);
    else text.replaceChildren(h('span', { class: 'muted' }, 'The student has not opened this lab yet.'));
  }

  function watch(terminal: TerminalInfo): void {
    watched?.close();
    for (const button of $('[data-terminal-list]').children) button.setAttribute('aria-pressed', String((button as HTMLElement).dataset.terminal === terminal.id));
    watched = watchTerminal($('[data-terminal-host]'), `${scoped('/ws/terminal')}&terminal=${encodeURIComponent(terminal.id)}`, terminalStatus);
    showControl();
  }

  async function showTerminals(): Promise<void> {
    watched?.close();
    watched = null;
    const list = $('[data-terminal-list]');
    list.replaceChildren();
    let terminals: TerminalInfo[];
    try {
      terminals = (await instructorApi.terminals(id, lab())).terminals;
    } catch (error) {
      return terminalStatus(error instanceof ApiError ? error.message : 'The student’s terminals could not be listed.');
    }
    list.replaceChildren(...terminals.map((terminal) => {
      const button = h('button', { type: 'button', 'aria-pressed': 'false', 'data-terminal': terminal.id }, terminal.name);
      button.addEventListener('click', () => watch(terminal));
      return button;
    }));
    if (terminals[0]) watch(terminals[0]);
    else terminalStatus('The student has no terminal open in this lab. Refresh once they have.');
  }

  /** The badge, the terminal's input and (once per change) a sentence, from the latest state. */
  function showControl(): void {
    const control = state ? controlFor(state.controls, id, lab()) : undefined;
    const name = $('[data-student-name]').textContent ?? 'The student';
    const view = describeControl(control?.state, name);
    const badge = $('[data-terminal-mode]');
    badge.textContent = view.badge;
    badge.dataset.control = control?.state ?? 'none';
    watched?.allowInput(view.canType);
    // Asking again makes sense only while the student has not said yes.
    $('[data-action="request-control"]').hidden = control?.state === 'allowed';
    const key = control ? `${control.lab}|${control.state}|${control.at}` : '';
    if (key !== announced) $('[data-control-status]').textContent = view.sentence;
    announced = key;
  }

  function showStudent(entry: RosterEntry): void {
    $('[data-student-name]').textContent = entry.name;
    document.title = `${entry.name} · workshop · cometlab`;
    $('[data-student-summary]').textContent =
      `${entry.online ? 'Online' : 'Away'} · last active ${formatAgo(entry.lastActivity, Date.now())}${entry.handRaised ? ' · hand raised' : ''}`;
  }

  $('[data-action="request-control"]').addEventListener('click', async () => {
    try {
      await instructorApi.requestControl(id, lab());
    } catch (error) {
      terminalStatus(error instanceof ApiError ? error.message : 'The request did not reach the server.');
    }
  });
  $('[data-action="refresh-files"]').addEventListener('click', () => void showFiles());
  $('[data-action="refresh-terminals"]').addEventListener('click', () => void showTerminals());
  labSelect.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('lab', lab());
    history.replaceState(null, '', url);
    showControl();
    void showFiles();
    void showTerminals();
  });

  void (async () => {
    try {
      state = await instructorApi.state();
      const entry = state.roster.find((item) => item.id === id);
      if (!entry) return fail('There is no such student in this workshop.');
      showStudent(entry);
      const wanted = params.get('lab') ?? entry.currentLab;
      if (wanted && [...labSelect.options].some((option) => option.value === wanted)) labSelect.value = wanted;
    } catch (error) {
      return fail(error instanceof ApiError ? error.message : 'The workshop server is not answering.');
    }
    showControl();
    void showFiles();
    void showTerminals();
    followFeed({
      poll: instructorApi.events,
      onAnswer(answer) {
        state = answer.state;
        const entry = state.roster.find((item) => item.id === id);
        if (entry) showStudent(entry);
        showControl();
      },
      onState(feedState) { root.dataset.state = feedState; },
    });
  })();
}
