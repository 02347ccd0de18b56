// The student's side of a workshop, under the header of every course page: the instructor's latest
// message, raise hand, requests to type in the student's terminal, pacing (locked labs, "everyone to
// lab N") and the end of the workshop. Driven by the student's own long-poll feed (me/events).
import type { paceSchema } from '../../../server/contracts/workshop.ts';
import type { z } from 'zod';
import { ApiError, studentApi, type MeAnswer, type StudentEvent } from './api.ts';
import { followFeed } from './long-poll.ts';
import { lockedLabs, type CourseLab } from './pace.ts';
import { h } from './dom.ts';
import '../../components/workshop/banner.css';

type Pace = z.infer<typeof paceSchema>;
interface Broadcast { id: number; message: string }
/** What the page remembers between course pages, so a message or a navigation is not replayed. */
interface Memory { cursor: number; broadcast: Broadcast | null }

const STORAGE_PREFIX = 'cometlab-workshop:';

function recall(student: string): Memory | null {
  try {
    const raw = localStorage.getItem(STORAGE_PREFIX + student);
    return raw ? (JSON.parse(raw) as Memory) : null;
  } catch {
    return null;
  }
}

function remember(student: string, memory: Memory): void {
  try { localStorage.setItem(STORAGE_PREFIX + student, JSON.stringify(memory)); } catch { /* this page only, then */ }
}

const currentLab = () => /^\/labs\/([^/]+)\/?$/.exec(location.pathname)?.[1] ?? null;

export async function startBanner(banner: HTMLElement): Promise<void> {
  const course = JSON.parse(banner.dataset.courseLabs ?? '[]') as CourseLab[];
  const lab = currentLab();
  const numberOf = (id: string) => course.find((item) => item.id === id)?.number ?? '?';

  let me: MeAnswer;
  try {
    me = await studentApi.me();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) showNotJoined(banner);
    return;
  }
  const { student } = me;
  const remembered = recall(student.id);
  // A student new to this browser starts from now: the workshop's history is not replayed at them.
  const memory: Memory = {
    cursor: remembered && remembered.cursor <= me.cursor ? remembered.cursor : me.cursor,
    broadcast: remembered?.broadcast ?? null,
  };

  const who = h('span', { class: 'wsb-who' }, `Workshop · ${student.name}`);
  const connection = h('span', { class: 'wsb-connection', role: 'status', 'data-workshop-connection': '' });
  const handButton = h('button', { type: 'button', class: 'button', 'data-action': 'raise-hand' }, 'Raise hand');
  const handForm = handFormFor(lab, handButton);
  const message = h('div', { class: 'wsb-message', role: 'status', 'aria-live': 'polite', 'data-workshop-message': '' });
  const request = h('div', { class: 'wsb-request', role: 'group', 'aria-label': 'Request from your instructor', hidden: '' });
  const notice = h('div', { class: 'wsb-notice', role: 'status', 'aria-live': 'polite', 'data-workshop-notice': '', hidden: '' });
  banner.replaceChildren(h('div', { class: 'wsb-bar' }, who, connection, handButton), handForm, message, request, notice);
  banner.hidden = false;

  function showBroadcast(broadcast: Broadcast | null): void {
    memory.broadcast = broadcast;
    if (!broadcast) {
      message.replaceChildren();
      return;
    }
    const dismiss = h('button', { type: 'button', class: 'wsb-dismiss', 'aria-label': 'Dismiss the message' }, '×');
    dismiss.addEventListener('click', () => { showBroadcast(null); remember(student.id, memory); });
    message.replaceChildren(h('strong', {}, 'From your instructor: '), h('span', { 'data-broadcast-text': '' }, broadcast.message), dismiss);
  }

  /** `kind` lets a later event take back the notice it stands for (a lab unlocked again). */
  function showNotice(kind: string, text: string, action?: { label: string; run(): void }): void {
    notice.dataset.kind = kind;
    const parts: Node[] = [h('span', {}, text)];
    if (action) {
      const button = h('button', { type: 'button', class: 'button' }, action.label);
      button.addEventListener('click', action.run);
      parts.push(button);
    }
    notice.replaceChildren(...parts);
    notice.hidden = false;
  }

  function applyPace(pace: Pace): void {
    const locked = lockedLabs(course, pace.unlockedUpTo);
    for (const item of document.querySelectorAll<HTMLElement>('[data-course] [data-lab]')) {
      const isLocked = locked.has(item.dataset.lab ?? '');
      item.toggleAttribute('data-locked', isLocked);
      item.querySelector('.workshop-lock')?.remove();
      if (isLocked) item.querySelector('h2')?.append(h('span', { class: 'badge workshop-lock' }, 'Locked'));
    }
    if (lab && locked.has(lab)) showNotice('locked', `Your instructor has not opened lab ${numberOf(lab)} yet. Stay with the class for now.`);
    else if (notice.dataset.kind === 'locked') notice.hidden = true;
  }

  function askControl(requestLab: string): void {
    const allow = h('button', { type: 'button', class: 'button primary' }, 'Allow');
    const refuse = h('button', { type: 'button', class: 'button' }, 'Refuse');
    const answer = async (allowed: boolean) => {
      allow.disabled = refuse.disabled = true;
      try {
        await studentApi.answerControl(requestLab, allowed);
        request.replaceChildren(h('span', {}, allowed ? 'You let your instructor type in your terminal.' : 'You refused. Your terminal stays yours.'));
      } catch (error) {
        request.replaceChildren(h('span', {}, error instanceof ApiError ? error.message : 'That did not reach the server.'));
      }
    };
    allow.addEventListener('click', () => void answer(true));
    refuse.addEventListener('click', () => void answer(false));
    request.replaceChildren(
      h('span', {}, `Your instructor asks to type in your terminal (lab ${numberOf(requestLab)}).`), allow, refuse);
    request.hidden = false;
    allow.focus();
  }

  function handle(event: StudentEvent): void {
    switch (event.type) {
      case 'broadcast':
        showBroadcast({ id: event.id, message: event.message });
        return;
      case 'pace':
        applyPace(event.pace);
        if (event.pace.everyoneTo && event.pace.everyoneTo !== lab) {
          remember(student.id, memory);
          location.assign(`/labs/${event.pace.everyoneTo}/`);
        }
        return;
      case 'control-request':
        askControl(event.lab);
        return;
      case 'hand-answered':
        handButton.textContent = 'Raise hand';
        handButton.disabled = false;
        showNotice('hand', 'Your instructor has seen your raised hand. Raise it again whenever you need to.');
        return;
      case 'lab-reset':
        if (event.lab === lab) showNotice('reset', 'Your instructor reset this lab to its starter files.', { label: 'Reload', run: () => location.reload() });
        return;
      case 'ended':
        showEnded();
    }
  }

  function showEnded(): void {
    showNotice('ended', 'The workshop has ended. Thank you for taking part! Your files stay as they are.');
    handButton.disabled = true;
    feed?.stop();
  }

  if (me.handRaised) {
    handButton.textContent = 'Hand raised';
    handButton.disabled = true;
  }
  applyPace(me.pace);
  showBroadcast(memory.broadcast);
  let feed: { stop(): void } | null = null;
  if (me.ended) return showEnded();
  feed = followFeed({
    since: memory.cursor,
    poll: studentApi.events,
    onState(state) {
      connection.dataset.state = state;
      connection.textContent = state === 'reconnecting' ? 'Reconnecting…' : state === 'refused' ? 'Signed out of the workshop' : '';
    },
    onAnswer(answer) {
      // Set first: a pace event below may leave the page, and the next page must not replay it.
      memory.cursor = answer.cursor;
      for (const event of answer.events) handle(event);
      remember(student.id, memory);
    },
  });
}

function handFormFor(lab: string | null, handButton: HTMLButtonElement): HTMLElement {
  const input = h('input', { type: 'text', id: 'workshop-hand-message', maxlength: '280', placeholder: 'Optional: what are you stuck on?' });
  const send = h('button', { type: 'submit', class: 'button primary' }, 'Send');
  const status = h('span', { role: 'status', class: 'wsb-hand-status' });
  const form = h('form', { class: 'wsb-hand', hidden: '', 'aria-label': 'Raise your hand' },
    h('label', { for: 'workshop-hand-message' }, 'Your question'), input, send, status);
  handButton.setAttribute('aria-expanded', 'false');
  handButton.addEventListener('click', () => {
    form.hidden = !form.hidden;
    handButton.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) input.focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    send.disabled = true;
    try {
      await studentApi.raiseHand(input.value.trim(), lab);
      form.hidden = true;
      handButton.textContent = 'Hand raised';
      handButton.disabled = true;
      handButton.setAttribute('aria-expanded', 'false');
    } catch (error) {
      status.textContent = error instanceof ApiError ? error.message : 'That did not reach the server.';
      send.disabled = false;
    }
  });
  return form;
}

function showNotJoined(banner: HTMLElement): void {
  const here = encodeURIComponent(location.pathname);
  banner.replaceChildren(h('div', { class: 'wsb-bar' },
    h('span', {}, 'A workshop is running here. Join it to get your own sandbox.'),
    h('a', { class: 'button primary', href: `/join?from=${here}` }, 'Join the workshop')));
  banner.hidden = false;
}
