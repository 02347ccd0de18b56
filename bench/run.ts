// `npm run bench`: measures what DESIGN §7 and the issues set targets for, and writes bench/results.md.
//   node bench/run.ts [--skip-setup]
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { projectRoot, startPlaygroundProcess } from '../tests/helpers/playground-process.ts';
import { measureTerminal } from './terminal.ts';
import { allJs, upFrontJs } from './page-weight.ts';
import { measureSetup } from './setup.ts';
import { measureAppRestart, measureIdleMemory } from './sandbox-costs.ts';
import { measureFleetEcho } from './sandbox-fleet.ts';
import { reportFeedLoad } from './load-table.ts';
import { measureTimelineFrames } from './timeline-frames.ts';
import { classTableHeader, describeClass, largestUnder, measureClass } from './workshop-class.ts';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const lines: string[] = [
  '# Benchmark results',
  '',
  `Measured ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.versions.node}, by \`npm run bench\`.`,
  '',
];
const report = (line: string) => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

if (!process.argv.includes('--skip-setup')) {
  report('## Set-up from a fresh clone (empty npm cache)');
  const setup = measureSetup(projectRoot);
  report(`- system Node ${setup.systemNode}; total ${setup.totalSeconds.toFixed(1)} s`);
  for (const { phase, seconds } of setup.phases) report(`- ${phase}: ${seconds.toFixed(1)} s`);
  report('');
}

const playground = await startPlaygroundProcess();
try {
  report('## Sandboxed terminal (target: connect p50 ≤ 50 ms, echo p99 ≤ 5 ms)');
  const terminal = await measureTerminal(playground.url, 'short-polling');
  report(`- first terminal, which starts the sandbox → prompt: ${terminal.first}`);
  report(`- connect → prompt, sandbox running: ${terminal.connect}`);
  report(`- keystroke → echo, keys back to back (a stress, ~1,000 keys/s): ${terminal.echo}`);
  report(`- keystroke → echo, a key every 50 ms (a very fast typist): ${terminal.typed}`);
  report('');
  report('## JavaScript shipped, gzip -9 (target: a page without a lab ≤ 30 KiB)');
  for (const path of ['/', '/labs/']) report(`- ${path}: ${kib(await upFrontJs(playground.url, path))}`);
  report(`- /labs/short-polling/ before Monaco (first paint): ${kib(await upFrontJs(playground.url, '/labs/short-polling/'))}`);
  const ready = 'window.__cometlab?.editor && document.querySelector(".monaco-editor")';
  report(`- /labs/short-polling/ everything, Monaco and its workers included: ${kib(await allJs(playground.url, '/labs/short-polling/', ready))}`);
  report('');
  report('## The request timeline drawing 1,000 clients (target: no dropped frames at 60 Hz)');
  const timeline = await measureTimelineFrames(playground.url);
  report(`- frame interval over 10 s: ${timeline.frames}; frames over 33 ms: ${timeline.over33}; last draw ${timeline.drawMs}`);
} finally {
  await playground.stop();
}

report('');
report('## One learner\'s sandbox (target: app restart on save ≤ 300 ms to listening)');
const idle = await measureIdleMemory();
report(`- memory of an idle learner, all processes: ${idle.totalMiB} MiB (${idle.processes.map((p) => `${p.name} ${p.rssMiB}`).join(', ')})`);
report(`- app restart → listening: ${await measureAppRestart()}`);
report('');
report('## A class on this machine: 20 learners with a shell each');
const fleet = await measureFleetEcho();
report(`- launching them, 4 at a time: ${fleet.launchAll}`);
report(`- keystroke echo, all idle: ${fleet.echoIdle}`);
report(`- keystroke echo while one runs a fork bomb: ${fleet.echoBesideBomb}`);
report('');
report('## A workshop on this machine: N students each with a shell, a running app and a key every 3 s');
for (const line of classTableHeader) report(line);
const classes = [];
for (const n of [20, 40, 60]) {
  const result = await measureClass(n);
  classes.push(result);
  report(describeClass(result));
}
report(`- largest class measured with keystroke echo p99 < 50 ms: ${largestUnder(classes) ?? 'none'}`);
report('');
report('## Long polling at scale: the load tool against feed servers (target: lab 4 holds 10,000, p99 far below Tornado\'s)');
await reportFeedLoad(report);
writeFileSync(join(import.meta.dirname, 'results.md'), `${lines.join('\n')}\n`);
