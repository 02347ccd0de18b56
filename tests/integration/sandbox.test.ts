// The learner sandbox for real: bubblewrap (and the plain launcher for the same functions), a real
// supervisor, real ptys, a real app behind the port relay. Timings are logged, not asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AppState } from '../../server/contracts/api.ts';
import { BwrapLauncher, type BwrapStatus } from '../../server/sandbox/bwrap-launcher.ts';
import { CPU_BOOST_MS } from '../../server/sandbox/limits/cgroups.ts';
import { DEFAULT_LIMITS } from '../../server/sandbox/limits/config.ts';
import { PlainLauncher } from '../../server/sandbox/plain-launcher.ts';
import type { SupervisedSandbox } from '../../server/sandbox/supervised-sandbox.ts';
import type { Terminal } from '../../server/sandbox/types.ts';
import { until } from '../helpers/until.ts';

const APP = `import http from 'node:http';
const port: number = 8999;
http.createServer((req, res) => res.end('hello from ' + process.env.USER + ' at ' + req.url))
  .listen(port, '127.0.0.1', () => console.log('listening on ' + port));
`;


// bash's bracketed-paste switches and similar sequences sit at the start of output lines.
const ANSI_CONTROL = /\x1b\[[0-9;?]*[A-Za-z]|\r(?!\n)/g;

/** A terminal whose output is kept, so tests can wait for text to appear. */
function screen(terminal: Terminal) {
  let text = '';
  terminal.onData((chunk) => (text += chunk.toString('utf8')));
  return {
    terminal,
    /** Runs a command and waits for the line `marker` prints: the shell really evaluated it. */
    async run(command: string, marker: RegExp, timeoutMs?: number): Promise<string> {
      const from = text.length;
      terminal.write(`${command}\r`);
      // Skip the echo of the command itself: look only at lines the command printed.
      const lines = () => text.slice(from).replace(ANSI_CONTROL, '').split(/\r?\n/).slice(1);
      return until(`${marker} after ${command}`, () => lines().find((line) => marker.test(line)), timeoutMs);
    },
    get text() {
      return text;
    },
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Host pids of live (non-zombie) processes matching `test`. */
function liveProcesses(test: (pid: string) => boolean): string[] {
  return fs.readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat[stat.lastIndexOf(')') + 2] !== 'Z' && test(pid);
    } catch {
      return false;
    }
  });
}

/** A sandbox's processes: by its pid namespace (bwrap), else by the HOME the plain launcher gives them. */
function belongsTo(pidNamespace: number | null, home: string): (pid: string) => boolean {
  return (pid) =>
    pidNamespace !== null
      ? fs.readlinkSync(`/proc/${pid}/ns/pid`) === `pid:[${pidNamespace}]`
      : fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`HOME=${home}`);
}

const launchers = [
  { kind: 'bwrap', launcher: new BwrapLauncher({ kind: 'bwrap', sandboxed: true, reason: 'test' }) },
  { kind: 'plain', launcher: new PlainLauncher({ kind: 'plain', sandboxed: false, reason: 'test' }) },
] as const;

describe.each(launchers)('$kind launcher', ({ kind, launcher }) => {
  let base: string;
  let home: string;
  let sandbox: SupervisedSandbox;
  let bwrapStatus: Promise<BwrapStatus> | null = null;
  let shell: ReturnType<typeof screen>;
  let cgroupFolders: string[] = [];

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), `cometlab-sbx-${kind}-`));
    home = path.join(base, 'home');
    await mkdir(path.join(home, 'lab'), { recursive: true });
    await writeFile(path.join(home, 'lab', 'server.ts'), APP);
    const started = performance.now();
    const launched = await launcher.launchDetailed({ learnerId: `test-${kind}`, homeDir: home, runDir: path.join(base, 'run') });
    if ('cgroupFolders' in launched) cgroupFolders = launched.cgroupFolders as string[];
    console.log(`[${kind}] launch -> supervisor ready: ${(performance.now() - started).toFixed(1)} ms`);
    sandbox = launched.sandbox;
    if ('bwrap' in launched) bwrapStatus = launched.bwrap as Promise<BwrapStatus>;
    shell = screen(await sandbox.openTerminal({ cwd: 'lab', cols: 80, rows: 24 }));
  });

  afterAll(async () => {
    await sandbox?.stop();
    await rm(base, { recursive: true, force: true });
  });

  it('runs a command typed into the terminal', async () => {
    expect(await shell.run('echo "sum=$((40 + 2))"', /^sum=42/)).toBe('sum=42');
  });

  it('resizes the pty', async () => {
    shell.terminal.resize(101, 31);
    expect(await shell.run('echo "size=$(stty size)"', /^size=/)).toBe('size=31 101');
  });

  it('stops a foreground node with Ctrl-C and gives the prompt back', async () => {
    await shell.run(`node -e "console.log('tick' + 'ing'); setInterval(() => {}, 1000)"`, /^ticking/);
    shell.terminal.write('\x03');
    expect(await shell.run('echo "back=$((1 + 1))"', /^back=/, 3000)).toBe('back=2');
  });

  it('writes the home folder through to the host', async () => {
    await shell.run('echo written > note.txt && echo "done=yes"', /^done=/);
    expect(await readFile(path.join(home, 'lab', 'note.txt'), 'utf8')).toBe('written\n');
  });

  it('starts the app, reports it listening, and answers through the relay', async () => {
    const states: AppState[] = [];
    const output: string[] = [];
    sandbox.onAppState((state) => states.push(state));
    sandbox.onAppOutput((o) => output.push(o.text));
    const started = performance.now();
    expect((await sandbox.startApp({ cwd: 'lab', entry: 'server.ts' })).state).toBe('running');
    await until('listening', () => sandbox.appState().listening);
    console.log(`[${kind}] startApp -> listening: ${(performance.now() - started).toFixed(1)} ms`);
    expect(states.map((s) => `${s.state}/${s.listening}`)).toEqual(['starting/false', 'running/false', 'running/true']);
    await until('app output', () => output.join('').includes('listening on 8999'));

    const socket = await sandbox.connect(8999);
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.end('GET /probe HTTP/1.0\r\nHost: lab\r\n\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(answer).toContain(`hello from ${kind === 'bwrap' ? 'learner' : os.userInfo().username} at /probe`);

    const stopped = await sandbox.stopApp();
    expect(stopped.state).toBe('exited');
    expect(stopped.signal).toBe('SIGTERM');
    // With nothing listening, the relay hangs up at once rather than leaving the caller waiting.
    const refused = await sandbox.connect(8999);
    let got = '';
    refused.on('data', (chunk) => (got += chunk)).on('error', () => undefined);
    await new Promise((resolve) => refused.once('close', resolve));
    expect(got).toBe('');
  });

  // bwrap only: the plain launcher has no cgroup at all (nothing is skipped there, nothing applies).
  if (kind === 'bwrap') it('gives an app that starts a whole core for a moment, then the sandbox its own share again', async (ctx) => {
    const cpu = cgroupFolders.map((folder) => path.join(folder, 'cpu.cfs_quota_us')).find((file) => fs.existsSync(file));
    if (!cpu || DEFAULT_LIMITS.cpuCores >= 1) {
      console.log('[bwrap] SKIP: no v1 cpu cgroup here, or a share of a whole core already (nothing to boost)');
      return ctx.skip();
    }
    const period = Number(fs.readFileSync(path.join(path.dirname(cpu), 'cpu.cfs_period_us'), 'utf8'));
    const share = Math.round(DEFAULT_LIMITS.cpuCores * period);
    const quota = () => Number(fs.readFileSync(cpu, 'utf8'));
    // The app the last test started may still have its moment.
    await until('the share before', () => quota() === share, CPU_BOOST_MS + 3_000);
    await sandbox.startApp({ cwd: 'lab', entry: 'server.ts' });
    await until('a whole core', () => quota() === period, 2_000);
    await until('the share again', () => quota() === share, CPU_BOOST_MS + 3_000);
    await sandbox.stopApp();
  });

  it('pauses a flooding terminal until its output is acknowledged', async () => {
    const flood = await sandbox.openTerminal({ cwd: '', cols: 80, rows: 24 });
    let received = 0;
    let text = '';
    flood.onData((chunk) => {
      received += chunk.length;
      text = (text + chunk.toString('latin1')).slice(-200);
    });
    flood.write(`head -c 3000000 /dev/zero | tr '\\0' x; echo; echo "flood=$((6 * 7))"\r`);
    await until('the first 100 kB', () => received > 100_000);
    // A window long enough for megabytes to arrive if nothing held them back.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toBeLessThan(600_000);
    expect(text).not.toContain('flood=42');
    flood.ack(received);
    flood.onData((chunk) => flood.ack(chunk.length));
    await until('the end of the flood', () => text.includes('flood=42'), 10_000);
    expect(received).toBeGreaterThan(3_000_000);
    flood.close();
  });

  it('tells the host when the supervisor dies on its own', async () => {
    const other = await launcher.launch({ learnerId: `doomed-${kind}`, homeDir: home, runDir: path.join(base, 'run-doomed') });
    try {
      const ended = new Promise<string>((resolve) => other.onEnd(resolve));
      const victim = await other.openTerminal({ cwd: '', cols: 80, rows: 24 });
      const exited = new Promise((resolve) => victim.onExit(resolve));
      victim.write('kill -9 $PPID\r'); // the shell's parent is the supervisor
      expect(await ended).toMatch(/supervisor|sandbox exited/);
      expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
      await expect(other.openTerminal({ cwd: '', cols: 80, rows: 24 })).rejects.toThrow(/ended/);
    } finally {
      await other.stop();
    }
  });

  it('reports the exit of a shell', async () => {
    const second = await sandbox.openTerminal({ cwd: '', cols: 80, rows: 24 });
    const exit = new Promise((resolve) => second.onExit(resolve));
    second.write('exit 3\r');
    expect(await exit).toEqual({ code: 3, signal: null });
  });

  it('refuses a terminal in a folder that does not exist', async () => {
    await expect(sandbox.openTerminal({ cwd: 'missing', cols: 80, rows: 24 })).rejects.toThrow(/no folder missing/);
  });

  it('measures prompt and echo latency', async () => {
    const firstByte: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const terminal = await sandbox.openTerminal({ cwd: 'lab', cols: 80, rows: 24 });
      await new Promise<void>((resolve) => terminal.onData(() => resolve()));
      firstByte.push(performance.now() - started);
      terminal.close();
    }
    const echo: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      const seen = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no echo for key ${i}`)), 2000);
        const off = shell.terminal.onData((chunk) => {
          if (!chunk.includes('x')) return;
          clearTimeout(timer);
          off();
          resolve();
        });
      });
      shell.terminal.write('x');
      await seen;
      echo.push(performance.now() - started);
    }
    shell.terminal.write('\x15'); // Ctrl-U: clear the typed line
    console.log(`[${kind}] openTerminal -> first byte p50 ${percentile(firstByte, 50).toFixed(1)} ms;`
      + ` keystroke echo p50 ${percentile(echo, 50).toFixed(2)} ms, p99 ${percentile(echo, 99).toFixed(2)} ms`);
    expect(echo).toHaveLength(200);
  });

  if (kind === 'bwrap') {
    it('isolates: learner uid, loopback only, no host folders, read-only /usr, no leaked sockets or host paths', async () => {
      expect(await shell.run('echo "who=$(id -u):$(whoami)"', /^who=/)).toBe('who=1000:learner');
      expect(await shell.run(`echo "ifs=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\\n' ,)"`, /^ifs=/)).toBe('ifs=lo,');
      expect(await shell.run('ls /work /root /run >/dev/null 2>&1; echo "ls=$?"', /^ls=/)).not.toBe('ls=0');
      expect(await shell.run('touch /usr/probe 2>/dev/null; echo "usr=$?"', /^usr=/)).toBe('usr=1');
      expect(await shell.run('echo "socks=$(ls -l /proc/$$/fd | grep -c socket)"', /^socks=/)).toBe('socks=0');
      const pid1 = await shell.run(`echo "pid1=$(tr '\\0' ' ' < /proc/1/cmdline) env=$(tr '\\0' ' ' < /proc/1/environ)"`, /^pid1=/);
      expect(pid1).not.toContain(base);
      expect(pid1).not.toContain('/work');
      expect(pid1).toContain('env=PATH=/usr/local/bin:/usr/bin:/bin');
    });
  }

  it('stop() leaves no process behind', async () => {
    await shell.run('sleep 300 & echo "bg=$!"', /^bg=/);
    await sandbox.startApp({ cwd: 'lab', entry: 'server.ts' });
    const ours = belongsTo(bwrapStatus ? (await bwrapStatus).pidNamespace : null, home);
    expect(liveProcesses(ours).length).toBeGreaterThanOrEqual(3);
    const ended: string[] = [];
    sandbox.onEnd((reason) => ended.push(reason));
    await sandbox.stop();
    // The plain launcher has no namespace to collapse: its processes die from the supervisor's kills.
    await until('no process left', () => liveProcesses(ours).length === 0, 2000);
    expect(ended).toEqual([]);
    await expect(sandbox.connect(8999)).rejects.toThrow(/ended/);
    // A request that comes too late is refused at once, not left to time out unhandled (which would end the server).
    const asked = performance.now();
    await expect(sandbox.startApp({ cwd: 'lab', entry: 'server.ts' })).rejects.toThrow(/ended/);
    await expect(sandbox.stopService('nginx')).rejects.toThrow(/ended/);
    expect(performance.now() - asked).toBeLessThan(5_000);
  });
});

describe.each(launchers)('$kind launcher, when the host process dies', ({ kind }) => {
  it('takes the whole sandbox with it', async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), `cometlab-sbx-host-${kind}-`));
    const home = path.join(base, 'home');
    await mkdir(home);
    const module = kind === 'bwrap' ? 'bwrap-launcher.ts' : 'plain-launcher.ts';
    const className = kind === 'bwrap' ? 'BwrapLauncher' : 'PlainLauncher';
    const host = spawn(process.execPath, ['--input-type=module', '-e', `
      import { ${className} } from ${JSON.stringify(path.resolve('server/sandbox', module))};
      const launched = await new ${className}({ kind: '${kind}', sandboxed: false, reason: '' })
        .launchDetailed({ learnerId: 'host-dies', homeDir: ${JSON.stringify(home)}, runDir: ${JSON.stringify(path.join(base, 'run'))} });
      const terminal = await launched.sandbox.openTerminal({ cwd: '', cols: 80, rows: 24 });
      terminal.write('sleep 1234 & sleep 1235\\r');
      console.log(JSON.stringify({ pidNamespace: launched.bwrap ? (await launched.bwrap).pidNamespace : null }));
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      host.stdout.on('data', (chunk) => (out += chunk));
      const { pidNamespace } = JSON.parse(await until('the host to launch', () => out.split('\n').find((l) => l.startsWith('{')), 10_000));
      const ours = belongsTo(pidNamespace, home);
      const sleeping = () => liveProcesses(ours).filter((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep'));
      await until('both sleeps', () => sleeping().length === 2);
      host.kill('SIGKILL');
      await until('no process left', () => liveProcesses(ours).length === 0, 3000);
    } finally {
      host.kill('SIGKILL');
      await rm(base, { recursive: true, force: true });
    }
  });
});
