// The lag preload in real Node processes, as the supervisor starts the learner's app: it reports a
// blocked loop to the supervisor's socket, and otherwise leaves the app as it was: the same output, no
// new globals, no view of its socket's variable, no handle keeping the process alive, and silence when
// the socket is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAG_SOCKET_ENV, LagSocket } from '../../server/supervisor/lag-socket.ts';

const PRELOAD = join(import.meta.dirname, '..', '..', 'server', 'supervisor', 'lag-preload.ts');
let dir: string;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runNode(script: string, options: { preload: boolean; socket?: string }): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  if (options.socket !== undefined) env[LAG_SOCKET_ENV] = options.socket;
  const args = [...(options.preload ? ['--import', PRELOAD] : []), '--input-type=module', '-e', script];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the script did not end by itself:\n${stdout}\n${stderr}`));
    }, 15_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

// What an app could notice: its globals, its environment, and what keeps it alive after its own work.
const INSPECT = `
setTimeout(() => {
  console.log(JSON.stringify({
    globals: Object.getOwnPropertyNames(globalThis).sort(),
    env: Object.keys(process.env).filter((name) => name.startsWith('COMETLAB')),
  }));
}, 600);
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cometlab-lag-preload-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the lag preload', () => {
  it('reports a blocked event loop to the supervisor\'s socket', async () => {
    const reports: number[] = [];
    const socket = new LagSocket(join(dir, 'lag.sock'), (ms) => reports.push(ms));
    try {
      // Like a server, the app lives on after the block, long enough for the next sample.
      const block = 'setTimeout(() => { const until = Date.now() + 1200; while (Date.now() < until); }, 400); setTimeout(() => {}, 2400);';
      const ran = await runNode(block, { preload: true, socket: socket.path });
      expect(ran.code).toBe(0);
      expect(reports.some((ms) => ms > 1000)).toBe(true);
      expect(reports.filter((ms) => ms < 100).length).toBeGreaterThan(0);
    } finally {
      socket.close();
    }
  });

  it('reports blocks that follow one another with no turn of the event loop between them', async () => {
    const reports: number[] = [];
    const socket = new LagSocket(join(dir, 'lag-chain.sock'), (ms) => reports.push(ms));
    try {
      // Each block's end queues the next one's start, as a server busy with back-to-back blocking polls does.
      const chain = 'let left = 4; const block = () => { const until = Date.now() + 600; while (Date.now() < until); if (--left > 0) setImmediate(block); }; setTimeout(block, 400); setTimeout(() => {}, 3800);';
      const ran = await runNode(chain, { preload: true, socket: socket.path });
      expect(ran.code).toBe(0);
      expect(reports.filter((ms) => ms > 300).length).toBeGreaterThanOrEqual(3);
    } finally {
      socket.close();
    }
  });

  it('changes nothing the app can see, and lets it end when its own work ends', async () => {
    const socket = new LagSocket(join(dir, 'quiet.sock'), () => undefined);
    try {
      const plain = await runNode(INSPECT, { preload: false });
      const withPreload = await runNode(INSPECT, { preload: true, socket: socket.path });
      expect(withPreload.code).toBe(0);
      expect(withPreload.stderr).toBe(plain.stderr);
      expect(JSON.parse(withPreload.stdout)).toEqual(JSON.parse(plain.stdout));
      expect(JSON.parse(withPreload.stdout).env).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it('stays silent without a socket, or with one nobody listens on', async () => {
    for (const socket of [undefined, join(dir, 'missing.sock'), '/etc/passwd']) {
      const ran = await runNode('console.log("app output")', { preload: true, socket });
      expect(ran).toMatchObject({ code: 0, stdout: 'app output\n', stderr: '' });
    }
  });
});
