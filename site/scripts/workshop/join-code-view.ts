// The join code card: the code to read aloud, the student URL as a link and a QR code.
import { renderSVG } from 'uqr';
import type { WorkshopState } from '../../../server/contracts/workshop.ts';
import { joinLink } from './format.ts';

export function renderJoinCode(card: HTMLElement, state: WorkshopState): void {
  const code = card.querySelector<HTMLElement>('[data-join-code]')!;
  const link = card.querySelector<HTMLAnchorElement>('[data-join-url]')!;
  const qr = card.querySelector<HTMLElement>('[data-qr]')!;
  const open = state.joinCode !== null && !state.ended;
  const url = joinLink(state.studentUrl, state.joinCode);
  code.textContent = open ? state.joinCode : 'Closed';
  code.dataset.closed = String(!open);
  link.href = url;
  link.textContent = url;
  if (qr.dataset.url !== url) {
    qr.dataset.url = url;
    // The SVG is made from our own server's URL, not from anything a student typed.
    qr.innerHTML = renderSVG(url, { border: 2 });
  }
  qr.hidden = !open;
  card.querySelector<HTMLButtonElement>('[data-action="close-code"]')!.hidden = !open;
  card.querySelector<HTMLButtonElement>('[data-action="open-code"]')!.hidden = open || state.ended;
  card.querySelector<HTMLButtonElement>('[data-action="rotate-code"]')!.disabled = state.ended;
}
