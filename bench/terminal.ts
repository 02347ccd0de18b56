// Sandboxed shell latency, through the real server and WebSocket, as a learner's browser sees it:
// connect -> first prompt, and keystroke -> echo.
import { openTerminal } from '../tests/helpers/terminal-client.ts';
import { summary } from './stats.ts';

async function timeToPrompt(baseUrl: string, lab: string): Promise<number> {
  const started = performance.now();
  const term = await openTerminal(baseUrl, lab);
  await term.waitFor(/learner@lab\S*\$ $/);
  const elapsed = performance.now() - started;
  term.ws.close();
  await term.closed;
  return elapsed;
}

export async function measureTerminal(baseUrl: string, lab: string, sessions = 30, keys = 400) {
  // The learner's first terminal also starts their sandbox; later ones find it running.
  const first = await timeToPrompt(baseUrl, lab);
  const connect: number[] = [];
  for (let i = 0; i < sessions; i++) connect.push(await timeToPrompt(baseUrl, lab));
  const term = await openTerminal(baseUrl, lab);
  await term.waitFor(/learner@lab\S*\$ $/);
  const echoTimes = async (gapMs: number): Promise<number[]> => {
    const echo: number[] = [];
    for (let i = 0; i < keys; i++) {
      // Alternate a letter and a backspace so the line never grows.
      const key = i % 2 === 0 ? 'x' : '\x7f';
      const expected = i % 2 === 0 ? /x$/ : /\x08 \x08$|\x08\x1b\[K$/;
      const from = term.screen().length;
      const started = performance.now();
      term.type(key);
      await term.waitFor(expected, { from });
      echo.push(performance.now() - started);
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    return echo;
  };
  // Back to back is a stress (about a thousand keys a second), which a sandbox's CPU share below one core
  // throttles; a key every 50 ms is a very fast typist.
  const echo = await echoTimes(0);
  const typed = await echoTimes(50);
  term.ws.close();
  return { first: `${first.toFixed(1)} ms`, connect: summary(connect), echo: summary(echo, 'ms', 3), typed: summary(typed, 'ms', 3) };
}
