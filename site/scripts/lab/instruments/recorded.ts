// A recorded run (browse mode, no playground): the same panels replay the saved messages of the lab's
// key experiment, shown whole rather than following "now", with the terminal session beside them.
import type { Recording } from '../../../../server/contracts/instruments.ts';
import { assembleInstruments } from './parts.ts';
import { recordingSpan } from './recording-span.ts';

export function showRecording(root: HTMLElement, recording: Recording): void {
  const { startMs, endMs } = recordingSpan(recording);
  // Only what a recording can show: the controls that act on a playground are not offered.
  for (const id of ['chain', 'nginx', 'inspector']) {
    root.querySelector(`#inst-tab-${id}`)?.remove();
    root.querySelector(`[data-instrument="${id}"]`)?.remove();
  }
  if (!recording.messages.some((message) => message.type === 'lag')) {
    root.querySelector('#inst-tab-lag')?.remove();
    root.querySelector('[data-instrument="lag"]')?.remove();
  }
  for (const control of root.querySelectorAll<HTMLElement>('[data-live-only]')) control.hidden = true;
  const instruments = assembleInstruments(root, null, () => endMs, true);
  for (const message of recording.messages) instruments.receive(message);
  instruments.timeline.showSpan(startMs, endMs);

  const section = root.querySelector<HTMLElement>('[data-recording]')!;
  section.hidden = false;
  section.querySelector('[data-recording-title]')!.textContent = `Recorded run: ${recording.title}.`;
  section.querySelector('[data-recording-caption]')!.textContent = recording.caption;
  section.querySelector('[data-recording-when]')!.textContent = `(recorded ${recording.recordedAt.slice(0, 10)} from the reference solution)`;
  section.querySelector('[data-recording-terminal]')!.textContent = recording.terminal;
  instruments.note('A recorded run of this lab\'s experiment. Run the playground locally to see your own traffic live.');
  root.dataset.state = 'recorded';
}
