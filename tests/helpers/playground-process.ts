// Starts the real playground (`node server/cli.ts start`) as a child process on a free port, the way a
// learner runs it, and stops it with a signal the way they do.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const projectRoot = join(import.meta.dirname, '..', '..');
export const cliPath = join(projectRoot, 'server', 'cli.ts');

export interface RunningPlayground {
  url: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function newDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'cometlab-test-data-'));
}

export function runCli(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cometlab ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface CliProcess<T> {
  ready: T;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `cometlab <args>` until `ready` finds what it needs in the output (stdout and stderr together). */
export async function spawnCli<T>(args: string[], dataDir: string, ready: (output: string) => T | undefined, timeoutMs = 30_000): Promise<CliProcess<T>> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const found = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cometlab ${args[0]} did not start in ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const seen = ready(output);
      if (seen !== undefined) {
        clearTimeout(timer);
        resolve(seen);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cometlab ${args[0]} exited with ${code} before it started:\n${output}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    ready: found,
    dataDir,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The URL a starting playground prints. */
export const servedUrl = (output: string) => /running at (http:\/\/\S+?)\/?\s/.exec(output)?.[1];

export async function startPlaygroundProcess(options: { dataDir?: string; port?: number } = {}): Promise<RunningPlayground> {
  const dataDir = options.dataDir ?? (await newDataDir());
  const { ready: url, ...running } = await spawnCli(['start', '--port', String(options.port ?? 0), '--data-dir', dataDir], dataDir, servedUrl);
  return { url, ...running };
}
