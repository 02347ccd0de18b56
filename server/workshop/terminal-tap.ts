// Lets the instructor watch a student's shell without taking it from them: the shell's session keeps its
// one viewer (the student's tab), and the tap sees the same bytes. It keeps the last TAIL_BYTES so a
// watcher that arrives late sees the recent screen (from a line start, so it does not open mid-sequence).
import type { Terminal } from '../sandbox/types.ts';

export const TAIL_BYTES = 32 * 1024;

export class TerminalTap {
  readonly #terminal: Terminal;
  #tail: Buffer = Buffer.alloc(0);
  readonly #watchers = new Map<(chunk: Buffer) => void, (reason: string) => void>();

  constructor(terminal: Terminal) {
    this.#terminal = terminal;
    terminal.onData((chunk) => {
      this.#tail = keepTail(Buffer.concat([this.#tail, chunk]), TAIL_BYTES);
      for (const watcher of this.#watchers.keys()) watcher(chunk);
    });
    terminal.onExit(() => this.end('the shell exited'));
  }

  /** The recent output, then every new chunk, until stopped or the shell ends (`onEnd`). */
  watch(onChunk: (chunk: Buffer) => void, onEnd: (reason: string) => void): { recent: Buffer; stop(): void } {
    this.#watchers.set(onChunk, onEnd);
    return { recent: this.#tail, stop: () => this.#watchers.delete(onChunk) };
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

/** The last `max` bytes, cut after a newline when there is one in the cut part. */
export function keepTail(buffer: Buffer, max: number): Buffer {
  if (buffer.length <= max) return buffer;
  const start = buffer.length - max;
  const newline = buffer.indexOf(0x0a, start);
  return buffer.subarray(newline === -1 ? start : newline + 1);
}
