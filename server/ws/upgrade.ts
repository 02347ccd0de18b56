// Routes WebSocket upgrades: /ws/terminal, /ws/events and /ws/instruments. Checks origin, host and lab
// before accepting, and refuses with a plain HTTP status otherwise, so a bad upgrade never reaches a sandbox.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_CLIENT_MESSAGE_BYTES, TERMINAL_CLOSE, clampSize, terminalIdSchema } from '../contracts/terminal.ts';
import type { ApiContext } from '../http/api.ts';
import { HttpError } from '../http/errors.ts';
import { hostAllowed, sameOrigin, type HostPolicy } from '../http/origin.ts';
import { bridgeTerminal, sendMessage } from './terminal-socket.ts';
import { streamEvents } from './events-socket.ts';
import { streamInstruments } from './instruments-socket.ts';
import { studentIdSchema } from '../contracts/workshop.ts';
import { isInstructor } from '../workshop/identity.ts';
import { bridgeWatcher } from '../workshop/watch-socket.ts';

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
    const channel = { '/ws/terminal': 'terminal', '/ws/events': 'events', '/ws/instruments': 'instruments' }[url.pathname];
    if (!channel) {
      if (!options.passThroughOthers) refuse(socket, new HttpError(404, 'not_found', 'No such socket.'));
      return;
    }
    socket.on('error', () => socket.destroy());
    accept(req, url, channel).then(
      ({ learner, watcher, onOpen }) => wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', (error) => options.log(`websocket error: ${error.message}`));
        // An open socket is a learner at the page: their sandbox stays up while it is open. An instructor
        // watching is not the student being there.
        if (!watcher) {
          ws.on('close', learner.hold());
          if (context.workshop) ws.on('close', context.workshop.present(learner.id));
        }
        onOpen(ws).catch((error: Error) => {
          const code = error instanceof HttpError ? error.code : 'unavailable';
          sendMessage(ws, { type: 'error', code, message: error.message });
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
    const wanted = url.searchParams.get('terminal');
    if (wanted !== null && !terminalIdSchema.safeParse(wanted).success) {
      throw new HttpError(400, 'invalid_terminal', 'That is not a terminal id.');
    }
    const watched = url.searchParams.get('student');
    if (watched !== null && context.workshop) {
      // The instructor's read-only view of one of a student's shells.
      const workshop = context.workshop;
      if (!isInstructor(req, workshop.secrets)) throw new HttpError(403, 'instructor_only', 'Only the instructor can watch a terminal.');
      if (channel !== 'terminal' || wanted === null || !studentIdSchema.safeParse(watched).success) {
        throw new HttpError(400, 'invalid_watch', 'Watching needs a student id and a terminal id.');
      }
      const learner = workshop.learnerOf(workshop.student(watched).id);
      const session = learner.terminals.get(lab.meta.id, wanted);
      const tap = learner.taps?.get(wanted);
      if (!session || !tap) throw new HttpError(404, 'unknown_terminal', 'That student has no such terminal open.');
      const canType = () => workshop.canType(learner.id, lab.meta.id);
      return { learner, watcher: true, onOpen: async (ws: WebSocket) => bridgeWatcher(ws, tap, session, canType) };
    }
    const learner = await context.learnerFor(req, lab);
    if (channel === 'events') return { learner, watcher: false, onOpen: async (ws: WebSocket) => streamEvents(ws, lab, learner) };
    if (channel === 'instruments') return { learner, watcher: false, onOpen: async (ws: WebSocket) => streamInstruments(ws, lab, learner) };
    const size = clampSize(Number(url.searchParams.get('cols') ?? 80), Number(url.searchParams.get('rows') ?? 24));
    const onOpen = async (ws: WebSocket) => {
      if (wanted !== null) {
        // Only this learner's terminals are searched, so another learner's id is as unknown as a made-up one.
        const session = learner.terminals.get(lab.meta.id, wanted);
        if (!session) {
          sendMessage(ws, { type: 'error', code: 'unknown_terminal', message: 'That terminal is gone; open a new one.' });
          ws.close(TERMINAL_CLOSE.unknown, 'unknown terminal');
          return;
        }
        bridgeTerminal(ws, session, size);
        return;
      }
      const session = await learner.openTerminal(lab, size);
      // The page went away while the shell started: keep it, detached, like any other.
      if (ws.readyState === ws.OPEN) bridgeTerminal(ws, session, size);
    };
    return { learner, watcher: false, onOpen };
  }
  return wss;
}

function refuse(socket: Duplex, error: HttpError): void {
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
