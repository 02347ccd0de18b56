// A class in workshop mode on this machine: N students join within JOIN_WINDOW_MS, each opens a shell and
// runs the lab's app, then types a key every few seconds while now and then one raises a hand and the
// instructor's dashboard (following its long poll) notices. Measured: join -> first prompt, keystroke ->
// echo, hand raised -> on the dashboard, and memory per student (their sandbox's cgroup, plus what the
// server grew by, divided among them).
//   node bench/workshop-class.ts [N ...]      (default 20 40 60)
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { rm } from 'node:fs/promises';
import { openTerminal, type TerminalClient } from '../tests/helpers/terminal-client.ts';
import { call, instructorHeaders, join, startWorkshopProcess, type Student } from '../tests/integration/workshop-kit.ts';
import { percentile } from './stats.ts';

const LAB = 'short-polling';
const JOIN_WINDOW_MS = 30_000;
const TYPING_MS = 30_000;
const KEY_EVERY_MS = 3_000;
const HAND_EVERY_MS = 1_000;
const PROMPT = /learner@lab\S*\$ $/;

export interface ClassResult {
  students: number;
  joined: number;
  joinToPrompt: number[];
  echo: number[];
  dashboard: number[];
  sandboxMiB: number;
  serverMiB: number;
  /** Why students did not get a shell, when some did not. */
  failures: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function typeKeys(term: TerminalClient, until: number, echo: number[]): Promise<void> {
  let i = 0;
  await sleep(Math.random() * KEY_EVERY_MS);
  while (Date.now() < until) {
    // A letter, then a backspace, so the line never grows.
    const key = i % 2 === 0 ? 'x' : '\x7f';
    const expected = i % 2 === 0 ? /x$/ : /\x08 \x08$|\x08\x1b\[K$/;
    const from = term.screen().length;
    const started = performance.now();
    term.type(key);
    await term.waitFor(expected, { from, timeoutMs: 10_000 });
    echo.push(performance.now() - started);
    i++;
    await sleep(KEY_EVERY_MS);
  }
}

export async function measureClass(n: number): Promise<ClassResult> {
  const workshop = await startWorkshopProcess({ args: ['--class-size', String(n)] });
  const instructor = instructorHeaders(workshop);
  const serverBefore = rssMiB(workshop.child.pid!);
  const result: ClassResult = { students: n, joined: 0, joinToPrompt: [], echo: [], dashboard: [], sandboxMiB: 0, serverMiB: 0, failures: [] };
  // The dashboard: follow the long poll; note when each raised hand first shows.
  const raisedAt = new Map<number, number>();
  let following = true;
  const dashboard = (async () => {
    let cursor = 0;
    while (following) {
      const answer = await call(`${workshop.url}/api/workshop/events?since=${cursor}&timeout=20`, instructor);
      const seenAt = performance.now();
      cursor = answer.json.cursor;
      for (const request of answer.json.state.help as Array<{ id: number; answeredAt: string | null }>) {
        const at = raisedAt.get(request.id);
        if (at !== undefined && request.answeredAt === null) {
          result.dashboard.push(seenAt - at);
          raisedAt.delete(request.id);
          void call(`${workshop.url}/api/workshop/help/answer`, instructor, 'POST', { id: request.id });
        }
      }
    }
  })().catch(() => undefined);  // ends with the server
  const students: Array<{ student: Student; term: TerminalClient }> = [];
  try {
    await Promise.all(Array.from({ length: n }, async (_, i) => {
      await sleep((JOIN_WINDOW_MS * i) / n);
      const started = performance.now();
      const student = await join(workshop, `Student ${i + 1}`, `10.8.${Math.floor(i / 250)}.${(i % 250) + 1}`);
      const term = await openTerminal(workshop.url, LAB, student.headers);
      const closed = term.closed.then(({ code, reason }) => {
        throw new Error(`closed ${code} ${reason}: ${JSON.stringify(term.messages.filter((m) => m.type === 'error'))}`);
      });
      try {
        await Promise.race([term.waitFor(PROMPT, { timeoutMs: 120_000 }), closed]);
      } catch (error) {
        result.failures.push(`student ${i + 1} (${student.id}): ${(error as Error).message.split('\n')[0]}`);
        return;
      }
      closed.catch(() => undefined);
      result.joinToPrompt.push(performance.now() - started);
      await call(`${workshop.url}/api/labs/${LAB}/run`, student.headers, 'POST');
      students.push({ student, term });
    }));
    result.joined = students.length;
    const until = Date.now() + TYPING_MS;
    const hands = (async () => {
      for (let i = 0; Date.now() < until; i++) {
        const { student } = students[i % students.length]!;
        const at = performance.now();
        const raised = await call(`${workshop.url}/api/workshop/me/hand`, student.headers, 'POST', { message: `bench ${i}` });
        raisedAt.set(raised.json.id, at);
        await sleep(HAND_EVERY_MS);
      }
    })();
    await Promise.all([...students.map(({ term }) => typeKeys(term, until, result.echo)), hands]);
    const state = (await call(`${workshop.url}/api/workshop/state`, instructor)).json;
    const sandboxes = (state.roster as Array<{ usage: { memoryBytes: number; running: boolean } | null }>).filter((s) => s.usage?.running);
    result.sandboxMiB = sandboxes.reduce((sum, s) => sum + s.usage!.memoryBytes, 0) / Math.max(1, sandboxes.length) / 1024 / 1024;
    result.serverMiB = (rssMiB(workshop.child.pid!) - serverBefore) / n;
  } finally {
    if (result.failures.length) {
      const log = joinPath(tmpdir(), `cometlab-workshop-bench-${n}.log`);
      writeFileSync(log, workshop.output());
      result.failures.push(`the server's log: ${log}`);
    }
    following = false;
    for (const { term } of students) term.ws.close();
    await workshop.stop();
    await dashboard;
    await rm(workshop.dataDir, { recursive: true, force: true });
  }
  return result;
}

const ms = (samples: number[], p: number) => (samples.length ? `${percentile(samples, p).toFixed(1)} ms` : 'n/a');

export function describeClass(r: ClassResult): string {
  return `| ${r.students} | ${r.joined} | ${ms(r.joinToPrompt, 50)} / ${ms(r.joinToPrompt, 99)} | ${ms(r.echo, 50)} / ${ms(r.echo, 99)} (n=${r.echo.length}) | ` +
    `${ms(r.dashboard, 50)} / ${ms(r.dashboard, 99)} | ${r.sandboxMiB.toFixed(0)} + ${r.serverMiB.toFixed(1)} MiB |`;
}

export const classTableHeader = [
  '| students | got a shell | join → prompt p50 / p99 | echo p50 / p99 | hand → dashboard p50 / p99 | memory per student (sandbox + server) |',
  '|---|---|---|---|---|---|',
];

/** The largest N measured whose echo p99 stayed under 50 ms. */
export function largestUnder(results: ClassResult[], limitMs = 50): number | null {
  const ok = results.filter((r) => r.joined === r.students && r.echo.length && percentile(r.echo, 99) < limitMs);
  return ok.length ? Math.max(...ok.map((r) => r.students)) : null;
}

if (import.meta.main) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const results: ClassResult[] = [];
  for (const line of classTableHeader) process.stdout.write(`${line}\n`);
  for (const n of sizes.length ? sizes : [20, 40, 60]) {
    const result = await measureClass(n);
    results.push(result);
    process.stdout.write(`${describeClass(result)}\n`);
    for (const failure of result.failures) process.stdout.write(`  ${failure}\n`);
  }
  process.stdout.write(`largest class with echo p99 < 50 ms: ${largestUnder(results) ?? 'none measured'}\n`);
}
