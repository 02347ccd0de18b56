// Workshop: a tap on each of a student's shells, so the instructor can watch one (see TerminalTap).
import type { Terminal } from '../sandbox/types.ts';
import { TerminalTap } from '../workshop/terminal-tap.ts';

export class TerminalTaps {
  readonly #taps = new Map<string, TerminalTap>();

  /** Call after the shell's session exists: a terminal's first listener takes what it printed before. */
  add(sessionId: string, terminal: Terminal): void {
    this.#taps.set(sessionId, new TerminalTap(terminal));
    terminal.onExit(() => this.#taps.delete(sessionId));
  }

  get(sessionId: string): TerminalTap | undefined {
    return this.#taps.get(sessionId);
  }

  /** The sandbox is gone: every watcher hears why. */
  end(reason: string): void {
    for (const tap of this.#taps.values()) tap.end(reason);
    this.#taps.clear();
  }
}
