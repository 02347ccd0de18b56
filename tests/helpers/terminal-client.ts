// A terminal WebSocket client for tests: collects what the shell prints and waits for text to appear.
import WebSocket from 'ws';

export interface TerminalClient {
  ws: WebSocket;
  screen(): string;
  messages: Array<Record<string, unknown>>;
  send(message: unknown): void;
  type(text: string): void;
  /** Resolves when the output since `from` matches; rejects after the deadline with what it saw. */
  waitFor(pattern: RegExp, options?: { from?: number; timeoutMs?: number }): Promise<RegExpMatchArray>;
  closed: Promise<{ code: number; reason: string }>;
}

/** `terminal` reattaches to that terminal; without it the server opens a new one. */
export async function openTerminal(baseUrl: string, lab: string, headers: Record<string, string> = {}, terminal?: string): Promise<TerminalClient> {
  const reattach = terminal === undefined ? '' : `&terminal=${encodeURIComponent(terminal)}`;
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/terminal?lab=${lab}&cols=100&rows=30${reattach}`, { headers });
  let screen = '';
  const messages: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      screen += data.toString();
      ws.send(JSON.stringify({ type: 'ack', bytes: (data as Buffer).length }));
    } else {
      const message = JSON.parse(data.toString());
      messages.push(message);
      // A reattached terminal's earlier screen arrives as one message; it is part of what the terminal shows.
      if (message.type === 'screen') screen += message.data;
    }
    for (const waiter of waiters) waiter();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const client: TerminalClient = {
    ws,
    messages,
    closed,
    screen: () => screen,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    type: (text) => ws.send(JSON.stringify({ type: 'input', data: text })),
    waitFor(pattern, { from = 0, timeoutMs = 10_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = screen.slice(from).match(pattern);
          if (!match) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waited ${timeoutMs} ms for ${pattern}; the terminal shows:\n${screen.slice(from).slice(-2000)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
  return client;
}
