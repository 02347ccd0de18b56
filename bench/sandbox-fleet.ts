// A class on one machine: `count` sandboxes, each with a shell; one of them runs a fork bomb (held by
// its pids limit) while the others' keystroke echo is measured.
import { summary } from './stats.ts';
import { benchLauncher, echoOnce, startSandbox, waitForOutput, type BenchSandbox } from './sandbox-launch.ts';
import type { Terminal } from '../server/sandbox/types.ts';

export async function measureFleetEcho(count = 20, keysPerLearner = 20): Promise<{ launchAll: string; echoIdle: string; echoBesideBomb: string }> {
  const launcher = benchLauncher();
  const sandboxes: BenchSandbox[] = [];
  try {
    const started = performance.now();
    // A few at a time, as a class arriving does; all at once would measure the launch storm instead.
    for (let i = 0; i < count; i += 4) {
      sandboxes.push(...(await Promise.all(Array.from({ length: Math.min(4, count - i) }, (_, j) => startSandbox(launcher, `fleet-${i + j}`)))));
    }
    const launchAll = `${((performance.now() - started) / 1000).toFixed(1)} s for ${count}`;
    const terminals: Terminal[] = [];
    for (const sandbox of sandboxes) {
      const terminal = await sandbox.launched.sandbox.openTerminal({ cwd: '', cols: 80, rows: 24 });
      await waitForOutput(terminal, /\$ $/);
      terminals.push(terminal);
    }
    const [bomber, ...others] = terminals;
    const sample = async () => {
      const times: number[] = [];
      for (let k = 0; k < keysPerLearner; k++) {
        for (const terminal of others) times.push(await echoOnce(terminal));
      }
      for (const terminal of others) terminal.write('\x15');
      return times;
    };
    const idle = await sample();
    bomber!.onData((chunk) => bomber!.ack(chunk.length));
    bomber!.write('bomb() { bomb | bomb & }; bomb\r');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const besideBomb = await sample();
    return { launchAll, echoIdle: summary(idle), echoBesideBomb: summary(besideBomb) };
  } finally {
    await Promise.all(sandboxes.map((sandbox) => sandbox.stop()));
  }
}
