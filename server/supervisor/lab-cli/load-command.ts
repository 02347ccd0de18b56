// `lab load` in the terminal: asks the host to start the run, then asks for its state twice a second,
// drawing a progress line, until it ends; Ctrl-C asks the host to stop it. The host does the work (the
// clients run outside the sandbox, through its relay), so the figures are the host's.
import type { LoadRunState } from '../../contracts/instruments.ts';
import type { LabRequest } from '../../contracts/lab-command.ts';
import { ask } from './ask.ts';
import { formatProgress, formatSummary } from './load-view.ts';

const POLL_MS = 500;

function readState(text: string): LoadRunState {
  const state = JSON.parse(text) as LoadRunState;
  if (typeof state?.state !== 'string' || !Array.isArray(state.groups)) throw new Error('the run state was not understood');
  return state;
}

/** Exit code: 0 when the run finished or was stopped, 1 when it could not start or failed. */
export async function loadCommand(socketPath: string, request: LabRequest): Promise<number> {
  const first = await ask(socketPath, request);
  if (!first.ok) {
    process.stderr.write(`${first.text}\n`);
    return 1;
  }
  let state = readState(first.text);
  const live = process.stdout.isTTY === true;
  const status = { ...request, load: { action: 'status' } };
  let stopping = false;
  const onInterrupt = () => {
    if (stopping) return;
    stopping = true;
    void ask(socketPath, { ...request, load: { action: 'stop' } }).catch(() => undefined);
  };
  process.on('SIGINT', onInterrupt);
  try {
    if (!live && state.state === 'running') process.stdout.write(`${formatProgress(state)}\n`);
    while (state.state === 'running') {
      if (live) process.stdout.write(`\r${formatProgress(state)}\x1b[K`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const answer = await ask(socketPath, status);
      if (!answer.ok) throw new Error(answer.text);
      state = readState(answer.text);
    }
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  if (live) process.stdout.write(`\r${formatProgress(state)}\x1b[K\n`);
  process.stdout.write(`${formatSummary(state)}\n`);
  return state.state === 'failed' ? 1 : 0;
}
