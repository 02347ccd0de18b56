// The launched process (bwrap, or the plain supervisor) as the host watches it: its end, told with the
// tail of its stderr (where bwrap says why it failed), and the kill that ends it when asking did not.
import type { ChildProcess } from 'node:child_process';

const STDERR_TAIL_BYTES = 4096;
/** How long a late stderr may still come after 'exit'. */
const STDERR_LATE_MS = 200;

export interface ProcessEnd {
  /** It exited; `how` says with which code or signal, and what it wrote last on stderr. */
  exited(how: string): void;
  /** It could not be started at all. */
  failed(error: Error): void;
}

export class SupervisorProcess {
  /** Host pid, -1 when it could not be started. */
  readonly pid: number;
  readonly #child: ChildProcess;
  readonly #gone: Promise<void>;
  #stderrTail = '';

  constructor(child: ChildProcess, end: ProcessEnd) {
    this.#child = child;
    this.pid = child.pid ?? -1;
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.#stderrTail = (this.#stderrTail + text).slice(-STDERR_TAIL_BYTES);
    });
    this.#gone = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const finish = () => {
          const detail = this.#stderrTail.trim();
          end.exited(`the sandbox exited (${signal ?? `code ${code}`})${detail ? `: ${detail}` : ''}`);
          resolve();
        };
        // Why bwrap failed may still be in the pipe when 'exit' comes.
        const stderr = child.stderr;
        if (!stderr || stderr.readableEnded) return finish();
        const late = setTimeout(finish, STDERR_LATE_MS);
        stderr.once('end', () => {
          clearTimeout(late);
          finish();
        });
      });
      // A process that could not be started at all emits 'error' and never 'exit'.
      child.once('error', (error) => {
        if (child.pid !== undefined) return;
        end.failed(error);
        resolve();
      });
    });
  }

  get running(): boolean {
    return this.#child.pid !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  kill(): void {
    this.#child.kill('SIGKILL');
  }

  /** Asks it to leave (`ask`), kills it if it has not within `graceMs`; resolves once it is gone. */
  async stop(ask: () => void, graceMs: number): Promise<void> {
    if (!this.running) return;
    ask();
    const grace = setTimeout(() => this.kill(), graceMs);
    await this.#gone;
    clearTimeout(grace);
  }
}
