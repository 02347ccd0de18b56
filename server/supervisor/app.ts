// The learner's app: `node <entry>` in its lab folder, on port 8999, restarted on request.
import path from 'node:path';
import type { AppState } from '../contracts/api.ts';
import type { Channel } from '../protocol/channel.ts';
import { ManagedProcess } from './managed-process.ts';
import { resolveInside } from './paths.ts';

const APP_PORT = 8999;

export class App {
  readonly #process: ManagedProcess;
  readonly #home: string;

  constructor(home: string, env: NodeJS.ProcessEnv, channel: Channel) {
    this.#home = home;
    this.#process = new ManagedProcess('app', APP_PORT, env, {
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
      return this.#process.restart({ file: process.execPath, args: [relative], cwd: dir, shown: `node ${relative}` });
    });
  }

  stop(): Promise<AppState> {
    return this.#process.stop();
  }

  kill(): void {
    this.#process.kill();
  }
}
