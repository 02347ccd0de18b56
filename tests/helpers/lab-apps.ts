// Starts a lab's starter or solution, or a test fixture server, as a real child process on a free port,
// and runs a lab's terminal tool against it. A lab app runs from a copy of its folder in a temporary
// directory, as in a learner's workspace (no package.json around it). A faulty server can be the
// solution with one mistake written into it (edits), so it differs from the reference in exactly that.
// stopAll() ends what was started.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { freePort, waitUntilListening } from './ports.ts';

export interface RunningApp {
  dir: string;
  port: number;
  child: ChildProcess;
  output: () => string;
}

const labsDir = join(import.meta.dirname, '..', '..', 'labs');

/** One textual change to the solution's server.ts; `find` must occur exactly once. */
export interface Edit {
  find: string;
  replace: string;
}

/** A classic mistake, made in the solution, and what the named check must say about it. */
export interface Mistake {
  name: string;
  /** The id of the check that must fail. */
  check: string;
  /** What that check's `seen` must say. */
  seen: RegExp;
  edits: Edit[];
  /** The mistake kills the app (an uncaught exception in a timer). */
  crashes?: boolean;
}

export function applyEdits(source: string, edits: Edit[]): string {
  return edits.reduce((text, { find, replace }) => {
    const count = text.split(find).length - 1;
    if (count !== 1) throw new Error(`the edit target occurs ${count} times, not once: ${JSON.stringify(find)}`);
    return text.replace(find, () => replace);
  }, source);
}

const children = new Set<ChildProcess>();
const scratch: string[] = [];

/** Runs `node <args>` in `dir` and remembers the child so stopAll() can end it. */
export function runNode(dir: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  return { child, output: () => text };
}

/** Runs `node <script>` in `dir` with PORT set, and resolves once it accepts connections. */
export async function startScript(dir: string, script: string): Promise<RunningApp> {
  const port = await freePort();
  const { child, output } = runNode(dir, [script], { PORT: String(port) });
  await waitUntilListening(port, child, output, script);
  return { dir, port, child, output };
}

/**
 * The lab's starter, or the starter with solution/'s files laid over it, as a learner would have it;
 * `lab` is the lab's folder, absolute or by name under labs/ (e.g. '04-comet').
 */
export async function startLabApp(lab: string, folder: 'starter' | 'solution', edits: Edit[] = []): Promise<RunningApp> {
  const labDir = isAbsolute(lab) ? lab : join(labsDir, lab);
  const dir = await mkdtemp(join(tmpdir(), `cometlab-${folder}-`));
  scratch.push(dir);
  await cp(join(labDir, 'starter'), dir, { recursive: true });
  if (folder === 'solution') await cp(join(labDir, 'solution'), dir, { recursive: true, force: true });
  if (edits.length > 0) {
    const entry = join(dir, 'server.ts');
    await writeFile(entry, applyEdits(await readFile(entry, 'utf8'), edits));
  }
  return startScript(dir, 'server.ts');
}

/** Resolves when the child has exited, or with false after `ms`. */
export function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => { clearTimeout(timer); resolve(true); });
  });
}

/** Runs one of the lab's tools in the app's folder against the app, to its exit. */
export async function runTool(app: RunningApp, tool: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const { child, output } = runNode(app.dir, [tool, ...args, '--port', String(app.port)]);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output: output() };
}

export async function stopAll(): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
