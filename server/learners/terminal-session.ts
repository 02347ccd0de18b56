// A shell that outlives the socket showing it. While a viewer (a browser tab's WebSocket) is attached,
// output goes to it and its acknowledgements pace the pty; when the viewer goes, the shell keeps
// running detached and its output still feeds the screen mirror, so the next viewer sees the same
// screen with the same processes behind it.
//
// Flow control: the supervisor pauses the pty while more than FLOW_HIGH_BYTES are unacknowledged. We
// acknowledge a byte only when both the mirror has parsed it and the viewer has drawn it, so neither
// the mirror's queue nor the socket can grow without bound. Detached, there is no viewer to draw: a
// deliberate budget of DETACHED_BUDGET_BYTES counts as drawn (a chatty server log or a build keeps
// going across a reload or a Wi-Fi blip), after which the pty pauses. So a detached flood (`yes`)
// costs the host a bounded amount of parsing and memory and then nothing; its screen is stale until
// someone attaches and draws again, which is what a minimised terminal with scroll lock would do.
import type { Terminal } from '../sandbox/types.ts';
import { ScreenMirror } from './screen-mirror.ts';

export const DETACHED_BUDGET_BYTES = 1024 * 1024;
const MAX_FIRST_WORDS_BYTES = 64 * 1024;

export type TerminalExit = { code: number | null; signal: string | null };

/** What a session needs from whoever shows it; the WebSocket bridge implements it. */
export interface Viewer {
  /** The screen so far, before any live output. */
  screen(data: string): void;
  output(chunk: Buffer): void;
  exit(exit: TerminalExit): void;
  /** The sandbox ended under the shell. */
  ended(reason: string): void;
  /** Another viewer took this terminal over. */
  replaced(): void;
}

export class TerminalSession {
  readonly id: string;
  readonly lab: string;
  readonly name: string;
  /** When the last viewer left (ms since epoch), null while one is attached. */
  detachedAt: number | null = Date.now();
  readonly #terminal: Terminal;
  readonly #mirror: ScreenMirror;
  readonly #onGone: () => void;
  readonly #unsubscribe: Array<() => void>;
  #viewer: Viewer | null = null;
  /** What the shell printed before any viewer came (its first prompt), while it is small; then null. */
  #beforeFirstViewer: Buffer[] | null = [];
  #beforeFirstViewerBytes = 0;
  /** Chunks that arrived while the viewer waits for its snapshot; null when live. */
  #pending: Buffer[] | null = null;
  /** The pty's size, and the size the viewer asked for last (they differ only while a snapshot is pending). */
  #size: { cols: number; rows: number };
  #viewSize: { cols: number; rows: number };
  #delivered = 0;
  #parsed = 0;
  #drawn = 0;
  #acked = 0;
  #budgetEnd: number;
  #gone = false;

  constructor(options: { id: string; lab: string; name: string; terminal: Terminal; cols: number; rows: number; onGone(): void }) {
    this.id = options.id;
    this.lab = options.lab;
    this.name = options.name;
    this.#terminal = options.terminal;
    this.#size = { cols: options.cols, rows: options.rows };
    this.#viewSize = this.#size;
    this.#mirror = new ScreenMirror(options.cols, options.rows);
    this.#onGone = options.onGone;
    this.#budgetEnd = DETACHED_BUDGET_BYTES;
    this.#unsubscribe = [
      this.#terminal.onData((chunk) => this.#onOutput(chunk)),
      this.#terminal.onExit((exit) => {
        this.#viewer?.exit(exit);
        this.#finish();
      }),
    ];
  }

  get attached(): boolean {
    return this.#viewer !== null;
  }

  /**
   * Shows the terminal to `viewer`, replacing any other: a snapshot of its screen at the viewer's size,
   * then live output (a new shell's first words are simply passed on).
   */
  attach(viewer: Viewer, cols: number, rows: number): void {
    if (this.#gone) return;
    const previous = this.#viewer;
    this.#viewer = viewer;
    this.detachedAt = null;
    previous?.replaced();
    this.#viewSize = { cols, rows };
    const early = this.#beforeFirstViewer;
    this.#beforeFirstViewer = null;
    if (early) {
      // A new shell: its first words go out as they came, byte for byte, with no snapshot to wait for.
      this.#resizePty(cols, rows);
      this.#mirror.resize(cols, rows);
      // The viewer will acknowledge these bytes itself; they must not count as drawn twice.
      this.#drawn = Math.min(this.#drawn, this.#delivered - this.#beforeFirstViewerBytes);
      for (const chunk of early) viewer.output(chunk);
      return;
    }
    this.#pending = [];
    const upTo = this.#delivered;
    this.#mirror.snapshot(() => this.#viewSize, (screen) => {
      if (this.#viewer !== viewer) return;
      this.#resizePty(this.#viewSize.cols, this.#viewSize.rows);
      // The snapshot stands for every byte up to here: the viewer has, in effect, drawn them.
      this.#drawn = Math.max(this.#drawn, upTo);
      viewer.screen(screen);
      for (const chunk of this.#pending ?? []) viewer.output(chunk);
      this.#pending = null;
      this.#flush();
    });
  }

  detach(viewer: Viewer): void {
    if (this.#viewer !== viewer) return;
    this.#viewer = null;
    this.#pending = null;
    this.detachedAt = Date.now();
    this.#drawn = this.#delivered;
    this.#budgetEnd = this.#delivered + DETACHED_BUDGET_BYTES;
    this.#flush();
  }

  write(data: string): void {
    this.#terminal.write(data);
  }

  resize(cols: number, rows: number): void {
    this.#viewSize = { cols, rows };
    this.#mirror.resize(cols, rows);
    this.#resizePty(cols, rows);
  }

  /** The viewer has drawn this many more bytes of live output. */
  ack(bytes: number): void {
    this.#drawn = Math.min(this.#delivered, this.#drawn + bytes);
    this.#flush();
  }

  /** Ends the shell (SIGHUP, as a closed window sends); the session is gone at once. */
  close(): void {
    if (this.#gone) return;
    this.#terminal.close();
    this.#finish();
  }

  /** The sandbox ended: tell the viewer and let go. */
  lost(reason: string): void {
    if (this.#gone) return;
    this.#viewer?.ended(reason);
    this.#finish();
  }

  #onOutput(chunk: Buffer): void {
    this.#delivered += chunk.length;
    this.#mirror.write(chunk, () => {
      this.#parsed += chunk.length;
      this.#flush();
    });
    if (this.#beforeFirstViewer) {
      this.#beforeFirstViewerBytes += chunk.length;
      // Too much for a first prompt: the first viewer gets a snapshot instead.
      if (this.#beforeFirstViewerBytes > MAX_FIRST_WORDS_BYTES) this.#beforeFirstViewer = null;
      else this.#beforeFirstViewer.push(chunk);
    }
    if (!this.#viewer) this.#drawn = Math.min(this.#delivered, this.#budgetEnd);
    else if (this.#pending) this.#pending.push(chunk);
    else this.#viewer.output(chunk);
  }

  #flush(): void {
    const ackable = Math.min(this.#parsed, this.#drawn) - this.#acked;
    if (ackable <= 0 || this.#gone) return;
    this.#acked += ackable;
    this.#terminal.ack(ackable);
  }

  #resizePty(cols: number, rows: number): void {
    if (cols === this.#size.cols && rows === this.#size.rows) return;
    this.#size = { cols, rows };
    this.#terminal.resize(cols, rows);
  }

  #finish(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#viewer = null;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#mirror.dispose();
    this.#onGone();
  }

  /** Workshop: the screen for a watcher, once every byte so far is on it, at the pty's size; the viewer is untouched. */
  peek(take: (screen: string, size: { cols: number; rows: number }) => void): void {
    if (!this.#gone) this.#mirror.snapshot(() => this.#size, (screen) => take(screen, this.#size));
  }
}
