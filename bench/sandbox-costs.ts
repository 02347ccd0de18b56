// What one learner's sandbox costs: memory when idle (every process of it), and how long an app restart
// takes from the request to the new process listening (what a save does when the app runs).
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { summary } from './stats.ts';
import { benchLauncher, rssBytes, sandboxProcesses, startSandbox, waitForOutput } from './sandbox-launch.ts';

const APP = `import http from 'node:http';
http.createServer((_req, res) => res.end('ok')).listen(8999, '127.0.0.1');
`;

/** Sum of RSS over the outer bwrap, bwrap's pid 1, the supervisor and one idle bash. */
export async function measureIdleMemory(settleMs = 1000): Promise<{ totalMiB: string; processes: { pid: number; name: string; rssMiB: string }[] }> {
  const sandbox = await startSandbox(benchLauncher(), 'memory');
  try {
    const terminal = await sandbox.launched.sandbox.openTerminal({ cwd: '', cols: 80, rows: 24 });
    await waitForOutput(terminal, /\$ $/);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const pids = await sandboxProcesses(sandbox.launched);
    const { readFileSync } = await import('node:fs');
    const processes = pids.map((pid) => ({
      pid,
      name: (() => { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return '?'; } })(),
      rssMiB: (rssBytes(pid) / 1048576).toFixed(1),
    }));
    const total = pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
    return { totalMiB: (total / 1048576).toFixed(1), processes };
  } finally {
    await sandbox.stop();
  }
}

/** startApp (a restart when it runs) -> the app accepts connections, `rounds` times. */
export async function measureAppRestart(rounds = 15): Promise<string> {
  const sandbox = await startSandbox(benchLauncher(), 'restart');
  try {
    await mkdir(path.join(sandbox.home, 'lab'), { recursive: true });
    await writeFile(path.join(sandbox.home, 'lab', 'server.ts'), APP);
    const app = sandbox.launched.sandbox;
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      const listening = new Promise<void>((resolve) => {
        const off = app.onAppState((state) => {
          if (!state.listening) return;
          off();
          resolve();
        });
      });
      await app.startApp({ cwd: 'lab', entry: 'server.ts' });
      await listening;
      times.push(performance.now() - started);
    }
    return summary(times, 'ms', 1);
  } finally {
    await sandbox.stop();
  }
}
