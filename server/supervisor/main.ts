// The supervisor: the one process a launcher starts inside a learner's sandbox. Every process the
// learner can reach (shells, the app) starts from here, and the host talks to all of them through the
// one channel on CHANNEL_FD. Usage: node main.ts --home <the learner's home as seen here>
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AppState } from '../contracts/api.ts';
import { Channel } from '../protocol/channel.ts';
import { CHANNEL_FD, RELAY_FDS, RELAY_PORTS } from '../protocol/layout.ts';
import { App } from './app.ts';
import { parseHostMessage } from './commands.ts';
import { LAB_SOCKET_ENV, LabSocket } from './lab-socket.ts';
import { startRelay } from './relay.ts';
import { Services } from './services.ts';
import { Terminals } from './terminals.ts';

// --socket-dir: where the `lab` socket's folder goes. The plain launcher names a host-only folder it
// cleans up; inside bwrap the default (/tmp) is the sandbox's own and dies with it.
const { values } = parseArgs({ options: { home: { type: 'string' }, 'socket-dir': { type: 'string' } } });
if (!values.home) {
  process.stderr.write('supervisor: --home is required\n');
  process.exit(2);
}
const home = values.home;
// The launcher chose this environment for the learner; shells and the app get it, plus the way to `lab`.
const learnerEnv: NodeJS.ProcessEnv = { ...process.env };

/** Shorter than the host's patience (it SIGKILLs the sandbox after a second). */
const SHUTDOWN_GRACE_MS = 300;
let shuttingDown = false;
const channel = new Channel(new net.Socket({ fd: CHANNEL_FD, readable: true, writable: true }), {
  control(value) {
    const message = parseHostMessage(value);
    if (typeof message === 'string') {
      process.stderr.write(`supervisor: ignored a bad message: ${message}\n`);
      return;
    }
    switch (message.type) {
      case 'open-terminal':
        try {
          terminals.open(message.id, message.cwd, message.cols, message.rows);
          channel.sendControl({ type: 'terminal-opened', id: message.id });
        } catch (error) {
          channel.sendControl({ type: 'terminal-error', id: message.id, message: (error as Error).message });
        }
        return;
      case 'resize': return terminals.resize(message.id, message.cols, message.rows);
      case 'ack': return terminals.ack(message.id, message.bytes);
      case 'close-terminal': return terminals.close(message.id);
      case 'start-app': return reply(message.req, app.start(message.cwd, message.entry), () => app.state);
      case 'stop-app': return reply(message.req, app.stop(), () => app.state);
      case 'start-service':
        return reply(message.req, services.start(message.service, message.cwd, message.config), () => services.state(message.service));
      case 'stop-service': return reply(message.req, services.stop(message.service), () => services.state(message.service));
      case 'reload-service': return reply(message.req, services.reload(message.service), () => services.state(message.service));
      case 'lab-answer': return labSocket.answer(message.req, { ok: message.ok, text: message.text });
      case 'shutdown': return shutdown();
    }
  },
  terminal(id, data) {
    terminals.input(id, data);
  },
  close(error) {
    if (error) process.stderr.write(`supervisor: channel failed: ${error.message}\n`);
    shutdown();
  },
});
const labSocket = new LabSocket(home, values['socket-dir'] ?? os.tmpdir(), (req, request) => channel.sendControl({ type: 'lab-command', req, request }));
learnerEnv[LAB_SOCKET_ENV] = labSocket.path;
// First on PATH, so the `lab` the learner types is ours (read-only in the sandbox).
learnerEnv.PATH = `${path.join(import.meta.dirname, 'lab-cli', 'bin')}:${learnerEnv.PATH ?? '/usr/bin:/bin'}`;
const terminals = new Terminals(home, learnerEnv, channel);
const app = new App(home, learnerEnv, channel);
const services = new Services(home, learnerEnv, channel);

/** Answers a request once its work is done; a failure's message goes to the host as the reply's error. */
function reply(req: number, done: Promise<AppState>, current: () => AppState): void {
  done.then(
    (state) => channel.sendControl({ type: 'reply', req, error: null, state }),
    (error: Error) => channel.sendControl({ type: 'reply', req, error: error.message, state: current() }),
  );
}
for (const port of RELAY_PORTS) startRelay(RELAY_FDS[port], port);

/** Without the host there is nobody to serve: end everything (the plain launcher has no namespace to do it). */
function shutdown(): void {
  if (shuttingDown) return;
  shuttingDown = true;
  app.kill();
  services.killAll();
  labSocket.close();
  void terminals.hangUpAll(SHUTDOWN_GRACE_MS).finally(() => process.exit(0));
}

// A polite kill from outside (the plain launcher has no namespace) still takes the learner's processes along.
for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(signal, shutdown);

channel.sendControl({ type: 'ready', uid: process.getuid?.() ?? -1, interfaces: Object.keys(os.networkInterfaces()) });
