// Routes WebSocket upgrades: /ws/terminal and /ws/events. Checks origin, host and lab before accepting,
// and refuses with a plain HTTP status otherwise, so a bad upgrade never reaches a sandbox.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { WebSocketServer } from 'ws';
import { MAX_CLIENT_MESSAGE_BYTES, clampSize } from '../contracts/terminal.ts';
import type { ApiContext } from '../http/api.ts';
import { HttpError } from '../http/errors.ts';
import { hostAllowed, sameOrigin, type HostPolicy } from '../http/origin.ts';
import { bridgeTerminal, sendMessage } from './terminal-socket.ts';
import { streamEvents } from './events-socket.ts';

export interface UpgradeOptions {
  hosts: HostPolicy;
  /** In dev mode other upgrades (Vite's HMR) belong to someone else: leave them alone. */
  passThroughOthers: boolean;
  log(message: string): void;
}

export function attachWebSockets(server: Server, context: ApiContext, options: UpgradeOptions): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://playground');
    const channel = { '/ws/terminal': 'terminal', '/ws/events': 'events' }[url.pathname];
    if (!channel) {
      if (!options.passThroughOthers) refuse(socket, new HttpError(404, 'not_found', 'No such socket.'));
      return;
    }
    socket.on('error', () => socket.destroy());
    accept(req, url, channel).then(
      (onOpen) => wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', (error) => options.log(`websocket error: ${error.message}`));
        onOpen(ws).catch((error: Error) => {
          sendMessage(ws, { type: 'error', code: 'unavailable', message: error.message });
          ws.close(1011, 'could not start');
        });
      }),
      (error: unknown) => refuse(socket, error instanceof HttpError ? error : new HttpError(500, 'internal', 'upgrade failed')),
    );
  });

  async function accept(req: IncomingMessage, url: URL, channel: string) {
    if (!sameOrigin(req) || !hostAllowed(req, options.hosts)) throw new HttpError(403, 'forbidden', 'Wrong origin.');
    const lab = context.labs.get(url.searchParams.get('lab') ?? '');
    if (!lab) throw new HttpError(404, 'not_found', 'No such lab.');
    const learner = await context.learnerFor(req);
    if (channel === 'events') return (ws: import('ws').WebSocket) => streamEvents(ws, lab, learner);
    const size = clampSize(Number(url.searchParams.get('cols') ?? 80), Number(url.searchParams.get('rows') ?? 24));
    return async (ws: import('ws').WebSocket) => {
      await learner.store.open(lab);
      const terminal = await (await learner.sandbox()).openTerminal({ cwd: lab.meta.id, ...size });
      if (ws.readyState !== ws.OPEN) {
        terminal.close();
        return;
      }
      bridgeTerminal(ws, terminal);
    };
  }
  return wss;
}

function refuse(socket: Duplex, error: HttpError): void {
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
