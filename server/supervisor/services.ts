// The services a lab can need beside the app: nginx on 8888 (labs 6-8) with the learner's own config,
// and redis on 6379 (lab 7), memory only. Both run inside the sandbox like everything else.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AppState } from '../contracts/api.ts';
import type { Channel } from '../protocol/channel.ts';
import { ManagedProcess } from './managed-process.ts';
import { resolveInside } from './paths.ts';

export type ServiceName = 'nginx' | 'redis';

const PORTS: Record<ServiceName, number> = { nginx: 8888, redis: 6379 };
const CONFIG_TEST_TIMEOUT_MS = 5000;
const REDIS_MAX_MEMORY = '64mb';

/** Whether something accepts connections on the port: then a new server there could not bind it. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ host: '127.0.0.1', port });
    const done = (answers: boolean) => {
      probe.destroy();
      resolve(answers);
    };
    probe.once('connect', () => done(true));
    probe.once('error', () => done(false));
    probe.setTimeout(1000, () => done(false));
  });
}

/** Debian puts nginx in /usr/sbin, which is not on the learner's PATH. */
function findProgram(name: string, env: NodeJS.ProcessEnv): string {
  const dirs = [...(env.PATH ?? '').split(':'), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const file = path.join(dir || '.', name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} is not installed`);
}

export class Services {
  readonly #home: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #processes: Record<ServiceName, ManagedProcess>;
  /** Where nginx runs, for reloads: its prefix folder and config. */
  #nginx: { dir: string; config: string } | null = null;

  constructor(home: string, env: NodeJS.ProcessEnv, channel: Channel) {
    this.#home = home;
    this.#env = env;
    const make = (service: ServiceName) => new ManagedProcess(service, PORTS[service], env, {
      state: (state) => channel.sendControl({ type: 'service-state', service, state }),
      output: (stream, text) => channel.sendControl({ type: 'service-output', service, stream, text }),
      drained: (resume) => channel.onDrain(resume),
    });
    this.#processes = { nginx: make('nginx'), redis: make('redis') };
  }

  state(service: ServiceName): AppState {
    return this.#processes[service].state;
  }

  start(service: ServiceName, cwd: string, config: string): Promise<AppState> {
    const managed = this.#processes[service];
    return managed.serially(async () => {
      const dir = resolveInside(this.#home, cwd);
      if (service === 'redis') {
        await this.#freePort(service, cwd);
        return managed.restart({
          file: findProgram('redis-server', this.#env),
          // Memory only and bounded: a lab's pub/sub needs no disk, and a runaway client must not eat the sandbox.
          args: ['--port', '6379', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
            '--maxmemory', REDIS_MAX_MEMORY, '--daemonize', 'no'],
          cwd: dir,
          shown: `redis-server --port 6379 --save '' --appendonly no --maxmemory ${REDIS_MAX_MEMORY}`,
        });
      }
      const file = path.relative(dir, resolveInside(dir, config));
      // nginx makes only the last part of its temp and log paths; the usual relative ones must exist.
      for (const sub of ['logs', 'tmp']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
      await this.#testNginx(dir, file);
      await this.#freePort(service, cwd);
      this.#nginx = { dir, config: file };
      return managed.restart({
        file: findProgram('nginx', this.#env),
        args: ['-p', dir, '-c', file, '-g', 'daemon off;'],
        cwd: dir,
        shown: `nginx -p ~/${cwd} -c ${file} -g 'daemon off;'`,
      });
    });
  }

  stop(service: ServiceName): Promise<AppState> {
    return this.#processes[service].stop();
  }

  /** nginx only: a config that fails `nginx -t` is refused and the running nginx keeps its old one. */
  reload(service: ServiceName): Promise<AppState> {
    const managed = this.#processes[service];
    return managed.serially(async () => {
      if (service !== 'nginx') throw new Error(`${service} cannot be reloaded`);
      const pid = managed.pid;
      if (pid === undefined || !this.#nginx) throw new Error('nginx is not running');
      await this.#testNginx(this.#nginx.dir, this.#nginx.config);
      process.kill(pid, 'SIGHUP');
      managed.system('[nginx reloading its configuration]\n');
      return managed.state;
    });
  }

  killAll(): void {
    for (const managed of Object.values(this.#processes)) managed.kill();
  }

  /**
   * Stops ours; anything still on the port is another copy, often one started by hand in a terminal
   * (nginx even survives its terminal closing). A new one would fail to bind a moment after starting,
   * while that copy's answers made it look up: refused with what to do instead.
   */
  async #freePort(service: ServiceName, cwd: string): Promise<void> {
    await this.#processes[service].stopNow();
    if (!(await portAnswers(PORTS[service]))) return;
    const stop = service === 'nginx' ? `nginx -p ~/${cwd} -s stop` : 'redis-cli shutdown';
    throw new Error(`127.0.0.1:${PORTS[service]} is already taken, probably by a ${service} you started in a terminal; that one `
      + `keeps serving. To have the playground run ${service} instead, stop yours first (${stop}).`);
  }

  /** Resolves when `nginx -t` passes; otherwise fails with what nginx said, for the learner to read. */
  #testNginx(dir: string, config: string): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile(findProgram('nginx', this.#env), ['-t', '-p', dir, '-c', config, '-g', 'daemon off;'],
        { cwd: dir, env: this.#env, timeout: CONFIG_TEST_TIMEOUT_MS },
        (error, stdout, stderr) => {
          if (!error) return resolve();
          const said = `${stdout}${stderr}`.trim();
          reject(new Error(said ? `nginx -t said:\n${said.slice(-8000)}` : `nginx -t failed: ${error.message}`));
        });
    });
  }
}
