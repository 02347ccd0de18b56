// The feed servers the load bench compares, each started as a plain host process on a free port: the
// lab 4 reference solution (our own code, as a learner's workspace would hold it), a bare node:http
// peer, and the classic Tornado server where python3-tornado is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startLabApp, stopAll } from '../tests/helpers/lab-apps.ts';
import { freePort, waitUntilListening } from '../tests/helpers/ports.ts';

export type FeedServerName = 'lab 4 solution' | 'bare node:http' | 'Tornado';

export interface FeedServer {
  pid: number;
  port: number;
  stop: () => Promise<void>;
}

const peersDir = join(import.meta.dirname, 'peers');

// python3-tornado installs for the system's python3, which a pyenv or venv python3 may shadow on PATH.
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Why the Tornado peer cannot run here, or null when it can. */
export function tornadoMissing(): string | null {
  const probe = spawnSync(python, ['-c', 'import tornado'], { stdio: 'ignore' });
  if (probe.error) return 'python3 is not installed';
  return probe.status === 0 ? null : 'python3-tornado is not installed (scripts/bootstrap.mjs --for-tests installs it as root on Debian)';
}

/**
 * Raises this process's open-file limit, which the servers it starts inherit, so `clients` sockets fit
 * in each process on either side of loopback; returns the limit it has afterwards.
 */
export function raiseFileLimit(clients: number): number {
  const wanted = clients + 1024;
  spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${wanted}:${wanted}`], { stdio: 'ignore' });
  const shown = spawnSync('prlimit', ['--pid', String(process.pid), '--nofile', '--noheadings', '--output=SOFT'], { encoding: 'utf8' });
  return Number(shown.stdout?.trim()) || 0;
}

async function startPeer(command: string, script: string, what: string): Promise<FeedServer> {
  const port = await freePort();
  const child = spawn(command, [join(peersDir, script)], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => { errors = (errors + chunk.toString()).slice(-2000); });
  await waitUntilListening(port, child, () => errors, what);
  const stop = async () => {
    if (child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  };
  return { pid: child.pid!, port, stop };
}

export async function startFeedServer(name: FeedServerName): Promise<FeedServer> {
  if (name === 'bare node:http') return startPeer(process.execPath, 'node-feed.ts', name);
  if (name === 'Tornado') return startPeer(python, 'tornado_feed.py', name);
  const app = await startLabApp('04-comet', 'solution');
  return { pid: app.child.pid!, port: app.port, stop: stopAll };
}
