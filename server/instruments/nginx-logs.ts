// nginx's two logs in a lab folder (logs/error.log, logs/access.log, where the lab's configs write them):
// the last lines on request, and new lines as they come, read from where the last read stopped.
import type { AccessLogEntry } from '../contracts/instruments.ts';
import { parseAccessLine } from './nginx-access-log.ts';
import { openInHome, readRange } from './nginx-files.ts';

export type LogName = 'error' | 'access';

/** Where a lab's log is, relative to the learner's home. */
export const logPath = (lab: string, log: LogName) => `${lab}/logs/${log}.log`;

/** The most read from a log at once: the tail of a large one, or what came since the last read. */
const MAX_READ_BYTES = 256 * 1024;
const MAX_LINE_CHARS = 4096;
/** The most lines one answer or message carries; a flood shows its newest. */
const MAX_LINES = 1000;

export interface LogLines {
  lines: string[];
  /** For the access log, the lines that could be read as entries. */
  access: AccessLogEntry[];
}

/** seenAt: when these lines were first read (new ones, as they come); null when they may be old. */
function linesOf(text: string, log: LogName, seenAt: string | null): LogLines {
  const lines = text.split('\n').filter((line) => line.length > 0).slice(-MAX_LINES).map((line) => line.slice(0, MAX_LINE_CHARS));
  const access = log === 'access' ? lines.map((line) => parseAccessLine(line, seenAt)).filter((entry) => entry !== null) : [];
  return { lines, access };
}

/** The last `count` lines (fewer when the log is short or missing). */
export async function lastLines(home: string, lab: string, log: LogName, count: number): Promise<LogLines> {
  const file = await openInHome(home, logPath(lab, log));
  if (!file) return { lines: [], access: [] };
  try {
    const from = Math.max(0, file.size - MAX_READ_BYTES);
    let text = (await readRange(file, from, MAX_READ_BYTES)).toString('utf8');
    // A tail that starts mid-line drops that broken first line.
    if (from > 0) text = text.slice(text.indexOf('\n') + 1);
    const lines = text.split('\n').filter((line) => line.length > 0).slice(-count);
    return linesOf(lines.join('\n'), log, null);
  } finally {
    await file.handle.close();
  }
}

/** Reads a log's new complete lines each time it is asked; starts at the log's end. */
export class LogFollower {
  readonly #home: string;
  readonly #lab: string;
  readonly log: LogName;
  #offset: number | null = null;

  constructor(home: string, lab: string, log: LogName) {
    this.#home = home;
    this.#lab = lab;
    this.log = log;
  }

  /** Lines written since the last call (none on the first: that one only finds the end). */
  async next(): Promise<LogLines> {
    const file = await openInHome(this.#home, logPath(this.#lab, this.log));
    if (!file) {
      this.#offset = 0;
      return { lines: [], access: [] };
    }
    try {
      // First look, a log cut short (rotated, emptied by the learner), or a flood we will not replay.
      if (this.#offset === null) this.#offset = file.size;
      if (file.size < this.#offset) this.#offset = 0;
      const skipped = file.size - this.#offset > MAX_READ_BYTES;
      if (skipped) this.#offset = file.size - MAX_READ_BYTES;
      const bytes = await readRange(file, this.#offset, MAX_READ_BYTES);
      const end = bytes.lastIndexOf(0x0a);
      if (end < 0) return { lines: [], access: [] };
      this.#offset += end + 1;
      // After a skip the read starts mid-line: that broken first line is dropped.
      const start = skipped ? bytes.indexOf(0x0a) + 1 : 0;
      return linesOf(bytes.subarray(start, end).toString('utf8'), this.log, new Date().toISOString());
    } finally {
      await file.handle.close();
    }
  }
}
