// The host's handle on one shell inside a sandbox; bytes and control go through the sandbox's channel.
import type { HostMessage } from '../contracts/supervisor.ts';
import { clampSize } from '../contracts/terminal.ts';
import { MAX_TERMINAL_CHUNK } from '../protocol/layout.ts';
import type { Terminal } from './types.ts';

const MAX_EARLY_CHUNKS = 64;

type Exit = { code: number | null; signal: string | null };

export interface TerminalLink {
  send(message: HostMessage): void;
  sendInput(id: number, data: Buffer): void;
}

export class HostTerminal implements Terminal {
  readonly id: string;
  readonly #number: number;
  readonly #link: TerminalLink;
  readonly #dataListeners = new Set<(chunk: Buffer) => void>();
  readonly #exitListeners = new Set<(exit: Exit) => void>();
  #exit: Exit | null = null;
  /** Output that came before anyone listened (the first prompt races the caller's onData). */
  #early: Buffer[] | null = [];

  constructor(number: number, link: TerminalLink) {
    this.#number = number;
    this.id = String(number);
    this.#link = link;
  }

  write(data: string): void {
    if (this.#exit) return;
    const bytes = Buffer.from(data, 'utf8');
    for (let at = 0; at < bytes.length; at += MAX_TERMINAL_CHUNK) {
      this.#link.sendInput(this.#number, bytes.subarray(at, at + MAX_TERMINAL_CHUNK));
    }
  }

  /** Never throws: an absurd size is clamped, as the browser's would be. */
  resize(cols: number, rows: number): void {
    if (!this.#exit) this.#link.send({ type: 'resize', id: this.#number, ...clampSize(cols, rows) });
  }

  ack(bytes: number): void {
    if (!this.#exit && Number.isInteger(bytes) && bytes > 0) this.#link.send({ type: 'ack', id: this.#number, bytes });
  }

  close(): void {
    if (!this.#exit) this.#link.send({ type: 'close-terminal', id: this.#number });
  }

  /** The first listener also gets what the shell printed before it was added. */
  onData(listener: (chunk: Buffer) => void): () => void {
    const early = this.#early;
    this.#early = null;
    for (const chunk of early ?? []) listener(chunk);
    this.#dataListeners.add(listener);
    return () => this.#dataListeners.delete(listener);
  }

  /** A listener added after the exit is called at once, so no caller misses it. */
  onExit(listener: (exit: Exit) => void): () => void {
    if (this.#exit) {
      const exit = this.#exit;
      queueMicrotask(() => listener(exit));
      return () => undefined;
    }
    this.#exitListeners.add(listener);
    return () => this.#exitListeners.delete(listener);
  }

  deliver(chunk: Buffer): void {
    if (this.#early) {
      if (this.#early.length < MAX_EARLY_CHUNKS) this.#early.push(chunk);
      return;
    }
    for (const listener of this.#dataListeners) listener(chunk);
  }

  exited(exit: Exit): void {
    if (this.#exit) return;
    this.#exit = exit;
    for (const listener of this.#exitListeners) listener(exit);
    this.#exitListeners.clear();
    this.#dataListeners.clear();
  }
}
