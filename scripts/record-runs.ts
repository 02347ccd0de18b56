// Records each lab's key experiment from the reference solution, for browse mode: the instrument
// messages the page draws live (timeline, publishes, run counters, lag) and the terminal output, saved
// as labs/<lab>/recording.json (recordingSchema). Generated, not committed: the build step runs it with
// --changed, which records only labs whose inputs changed since their last recording. The experiments
// mostly wait on timers, so several run at once, each in a child process of its own (the processes it
// starts are ended with it, and cannot be confused with another experiment's).
//   node scripts/record-runs.ts [--changed] [--jobs N] [lab folder, e.g. 06-nginx ...]
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { recordingSchema, type Recording } from '../server/contracts/instruments.ts';
import type { Experiment } from './recording/experiment.ts';
import { labInputsHash, RECORDING_FILE } from './recording/inputs.ts';
import { RecordingSession } from './recording/session.ts';
import { labsDir, stopEverything } from './recording/stack.ts';

const root = join(import.meta.dirname, '..');
const experimentsDir = join(import.meta.dirname, 'recording', 'experiments');
// Beside the install stamp: a fresh clone has none, so it records everything once.
const stampsFile = join(root, 'node_modules', '.cometlab-recordings.json');
export const MAX_RECORDING_BYTES = 200 * 1024;
const RUN_WITHIN_MS = 60_000;

function readStamps(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(stampsFile, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms); });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Runs one lab's experiment against real processes and returns its recording, checked against the schema. */
export async function recordLab(folder: string): Promise<Recording> {
  const experiment = (await import(join(experimentsDir, `${folder}.ts`))).default as Experiment;
  const meta = (await import(join(labsDir, folder, 'lab.ts'))).default as { id: string; title: string };
  const session = new RecordingSession(meta.id);
  let terminal: string;
  try {
    terminal = await withDeadline(experiment.run(session), RUN_WITHIN_MS, `the ${folder} experiment`);
  } finally {
    await stopEverything();
  }
  return recordingSchema.parse({
    lab: meta.id,
    title: meta.title,
    caption: experiment.caption,
    recordedAt: new Date().toISOString(),
    messages: session.finish(),
    terminal,
  });
}

/** Lab folders that have an experiment to record. */
export function recordableLabs(): string[] {
  return readdirSync(labsDir).filter((name) => /^\d\d-/.test(name) && existsSync(join(experimentsDir, `${name}.ts`))).sort();
}

/** One lab recorded by a child process (`--emit`), which prints the recording's JSON and nothing else. */
function recordInChild(folder: string): Promise<Recording> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [import.meta.filename, '--emit', folder], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err = (err + chunk).slice(-4000); });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(err.trim() || `the recorder exited with ${code}`));
      else resolve(recordingSchema.parse(JSON.parse(out)));
    });
  });
}

/** Runs `work` over `items`, at most `jobs` at a time. */
async function pool<T>(items: T[], jobs: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { changed: { type: 'boolean', default: false }, jobs: { type: 'string', default: '4' }, emit: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const known = recordableLabs();
  const unknown = positionals.filter((name) => !known.includes(name));
  const jobs = Number(values.jobs);
  if (unknown.length > 0 || !Number.isInteger(jobs) || jobs < 1 || jobs > 8) {
    process.stderr.write(unknown.length > 0
      ? `no experiment to record for ${unknown.join(', ')}; known: ${known.join(', ')}\n`
      : `--jobs must be a whole number from 1 to 8, not ${values.jobs}\n`);
    return 2;
  }
  if (values.emit) {
    if (positionals.length !== 1) {
      process.stderr.write('--emit records exactly one lab\n');
      return 2;
    }
    process.stdout.write(JSON.stringify(await recordLab(positionals[0]!)));
    return 0;
  }
  const stamps = readStamps();
  const wanted = (positionals.length > 0 ? positionals : known).map((folder) => ({ folder, inputs: labInputsHash(root, folder) }));
  const due = wanted.filter(({ folder, inputs }) => !values.changed || stamps[folder] !== inputs || !existsSync(join(labsDir, folder, RECORDING_FILE)));
  let failed = 0;
  await pool(due, jobs, async ({ folder, inputs }) => {
    const started = Date.now();
    try {
      const text = JSON.stringify(await recordInChild(folder));
      if (text.length > MAX_RECORDING_BYTES) throw new Error(`the recording is ${Math.round(text.length / 1024)} KiB, over ${MAX_RECORDING_BYTES / 1024} KiB`);
      writeFileSync(join(labsDir, folder, RECORDING_FILE), `${text}\n`);
      stamps[folder] = inputs;
      writeFileSync(stampsFile, `${JSON.stringify(stamps, null, 2)}\n`);
      process.stderr.write(`recorded ${folder} in ${((Date.now() - started) / 1000).toFixed(1)} s (${Math.round(text.length / 1024)} KiB)\n`);
    } catch (error) {
      failed += 1;
      process.stderr.write(`could not record ${folder}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  });
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] === import.meta.filename) process.exitCode = await main();
