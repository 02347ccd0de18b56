// Lets the instructor watch a student's shell without taking it from them: the shell's session keeps its
// one viewer (the student's tab), and the tap hands the same bytes to each watcher. A watcher that
// arrives late starts from the session's screen mirror (watch-socket.ts), so the tap keeps nothing.
import type { Terminal } from '../sandbox/types.ts';

export class TerminalTap {
  readonly #terminal: Terminal;
  readonly #watchers = new Map<(chunk: Buffer) => void, (reason: string) => void>();

  constructor(terminal: Terminal) {
    this.#terminal = terminal;
    terminal.onData((chunk) => {
      for (const watcher of this.#watchers.keys()) watcher(chunk);
    });
    terminal.onExit(() => this.end('the shell exited'));
  }

  /** Every chunk from now on, until stopped or the shell ends (`onEnd`). */
  watch(onChunk: (chunk: Buffer) => void, onEnd: (reason: string) => void): { stop(): void } {
    this.#watchers.set(onChunk, onEnd);
    return { stop: () => this.#watchers.delete(onChunk) };
  }

  /** The shell or its sandbox is gone: every watcher hears why. */
  end(reason: string): void {
    const ends = [...this.#watchers.values()];
    this.#watchers.clear();
    for (const onEnd of ends) onEnd(reason);
  }

  /** Only once the student has given control (the caller checks). */
  write(data: string): void {
    this.#terminal.write(data);
  }
}
