// The learner's app: `node <entry>` in its lab folder, on port 8999, restarted on request. It runs with
// the lag preload, which reports the app's event-loop delay through a socket beside the `lab` one.
import path from 'node:path';
import type { AppState } from '../contracts/api.ts';
import type { Channel } from '../protocol/channel.ts';
import { LAB_SOCKET_ENV } from './lab-socket.ts';
import { LAG_SOCKET_ENV, LagSocket } from './lag-socket.ts';
import { ManagedProcess } from './managed-process.ts';
import { resolveInside } from './paths.ts';

const APP_PORT = 8999;
const LAG_PRELOAD = path.join(import.meta.dirname, 'lag-preload.ts');

export class App {
  readonly #process: ManagedProcess;
  readonly #home: string;
  readonly #lag: LagSocket | null;

  constructor(home: string, env: NodeJS.ProcessEnv, channel: Channel) {
    this.#home = home;
    const labSocket = env[LAB_SOCKET_ENV];
    // The lab socket's private folder is removed with it, so the lag socket needs no cleaning of its own.
    this.#lag = labSocket ? new LagSocket(path.join(path.dirname(labSocket), 'lag.sock'), (maxMs) => channel.sendControl({ type: 'app-lag', maxMs })) : null;
    const appEnv = this.#lag ? { ...env, [LAG_SOCKET_ENV]: this.#lag.path } : env;
    this.#process = new ManagedProcess('app', APP_PORT, appEnv, {
      state: (state) => channel.sendControl({ type: 'app-state', state }),
      output: (stream, text) => channel.sendControl({ type: 'app-output', stream, text }),
      drained: (resume) => channel.onDrain(resume),
    });
  }

  get state(): AppState {
    return this.#process.state;
  }

  start(cwd: string, entry: string): Promise<AppState> {
    return this.#process.serially(() => {
      const dir = resolveInside(this.#home, cwd);
      const relative = path.relative(dir, resolveInside(dir, entry));
      const preload = this.#lag ? ['--import', LAG_PRELOAD] : [];
      return this.#process.restart({ file: process.execPath, args: [...preload, relative], cwd: dir, shown: `node ${relative}` });
    });
  }

  stop(): Promise<AppState> {
    return this.#process.stop();
  }

  kill(): void {
    this.#process.kill();
    this.#lag?.close();
  }
}
