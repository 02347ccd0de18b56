// Sandboxed shell latency, through the real server and WebSocket, as a learner's browser sees it:
// connect -> first prompt, and keystroke -> echo.
import { openTerminal } from '../tests/helpers/terminal-client.ts';
import { summary } from './stats.ts';

export async function measureTerminal(baseUrl: string, lab: string, sessions = 30, keys = 400) {
  const connect: number[] = [];
  for (let i = 0; i < sessions; i++) {
    const started = performance.now();
    const term = await openTerminal(baseUrl, lab);
    await term.waitFor(/learner@lab\S*\$ $/);
    connect.push(performance.now() - started);
    term.ws.close();
    await term.closed;
  }
  const term = await openTerminal(baseUrl, lab);
  await term.waitFor(/learner@lab\S*\$ $/);
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
  }
  term.ws.close();
  return { connect: summary(connect), echo: summary(echo, 'ms', 3) };
}
