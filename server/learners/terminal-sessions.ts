// One learner's terminals, by id. They live in the learner's one sandbox; each belongs to the lab whose
// folder it opened in, and only that lab's page lists and reattaches it. Ids are random, but the real
// guard is that lookups only ever search this learner's own map.
import { randomBytes } from 'node:crypto';
import type { TerminalInfo } from '../contracts/terminal.ts';
import type { Terminal } from '../sandbox/types.ts';
import { TerminalSession } from './terminal-session.ts';

/** Shells (and screen mirrors) one learner may keep; past it the longest-detached one is closed. */
export const MAX_TERMINALS = 8;

export class TooManyTerminals extends Error {}

export class TerminalSessions {
  readonly #sessions = new Map<string, TerminalSession>();

  /** Makes room for one more: closes the terminal detached the longest, or refuses when all are in use. */
  reserve(): void {
    if (this.#sessions.size < MAX_TERMINALS) return;
    const detached = [...this.#sessions.values()].filter((s) => s.detachedAt !== null);
    const oldest = detached.sort((a, b) => a.detachedAt! - b.detachedAt!)[0];
    if (!oldest) throw new TooManyTerminals(`At most ${MAX_TERMINALS} terminals can be open; close one first.`);
    oldest.close();
  }

  add(lab: string, terminal: Terminal, size: { cols: number; rows: number }): TerminalSession {
    this.reserve();
    const id = randomBytes(12).toString('base64url');
    const session = new TerminalSession({
      id, lab, name: this.#freeName(lab), terminal, ...size,
      onGone: () => this.#sessions.delete(id),
    });
    this.#sessions.set(id, session);
    return session;
  }

  /** Only a terminal of this lab; anything else (unknown, gone, another lab's) is undefined. */
  get(lab: string, id: string): TerminalSession | undefined {
    const session = this.#sessions.get(id);
    return session?.lab === lab ? session : undefined;
  }

  list(lab: string): TerminalInfo[] {
    return [...this.#sessions.values()].filter((s) => s.lab === lab).map(({ id, name }) => ({ id, name }));
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** The sandbox ended: every shell is gone; viewers hear why. */
  lost(reason: string): void {
    for (const session of [...this.#sessions.values()]) session.lost(reason);
  }

  /** "Terminal N" with the smallest N not in use in this lab, so names stay short and stable. */
  #freeName(lab: string): string {
    const used = new Set(this.list(lab).map((info) => info.name));
    for (let n = 1; ; n++) if (!used.has(`Terminal ${n}`)) return `Terminal ${n}`;
  }
}
