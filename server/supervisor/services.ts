// The services a lab can need beside the app: nginx on 8888 (labs 6-8) with the learner's own config,
// and redis on 6379 (lab 7), memory only. Both run inside the sandbox like everything else.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AppState } from '../contracts/api.ts';
import type { Channel } from '../protocol/channel.ts';
import { ManagedProcess } from './managed-process.ts';
import { resolveInside } from './paths.ts';

export type ServiceName = 'nginx' | 'redis';

const PORTS: Record<ServiceName, number> = { nginx: 8888, redis: 6379 };
const CONFIG_TEST_TIMEOUT_MS = 5000;
const REDIS_MAX_MEMORY = '64mb';

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

  /** Resolves when `nginx -t` passes; otherwise fails with what nginx said, for the learner to read. */
  #testNginx(dir: string, config: string): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile(findProgram('nginx', this.#env), ['-t', '-p', dir, '-c', config, '-g', 'daemon off;'],
        { cwd: dir, env: this.#env, timeout: CONFIG_TEST_TIMEOUT_MS },
        (error, stdout, stderr) => {
          if (!error) return resolve();
          const said = `${stdout}${stderr}`.trim();
          reject(new Error(said ? said.slice(-8000) : `nginx -t failed: ${error.message}`));
        });
    });
  }
}
