// A headless terminal on the host fed with everything a shell prints, so a viewer that comes back (a
// reload, a dropped socket) gets the screen as it is: scrollback, colours, cursor and modes such as
// bash's bracketed paste, serialized into one escape-sequence string.
import headless from '@xterm/headless';
import serialize from '@xterm/addon-serialize';

/** Lines kept above the screen; about 12 bytes per cell, so 1000 x 100 columns is about 1.2 MB at most. */
export const MIRROR_SCROLLBACK = 1000;

export class ScreenMirror {
  readonly #term: headless.Terminal;
  readonly #serializer = new serialize.SerializeAddon();
  #disposed = false;

  constructor(cols: number, rows: number) {
    this.#term = new headless.Terminal({ cols, rows, scrollback: MIRROR_SCROLLBACK, allowProposedApi: true });
    this.#term.loadAddon(this.#serializer);
  }

  /** `parsed` runs once the chunk has been applied to the screen (xterm parses in slices, later). */
  write(chunk: Uint8Array, parsed: () => void): void {
    if (this.#disposed) return;
    this.#term.write(chunk, parsed);
  }

  resize(cols: number, rows: number): void {
    if (!this.#disposed && (cols !== this.#term.cols || rows !== this.#term.rows)) this.#term.resize(cols, rows);
  }

  /**
   * Waits until every chunk written so far is on the screen, then calls `take` with the screen at that
   * exact point (callbacks run between chunks), after resizing it to the viewer's size as it is then.
   */
  snapshot(size: () => { cols: number; rows: number }, take: (screen: string) => void): void {
    if (this.#disposed) return;
    this.#term.write('', () => {
      if (this.#disposed) return;
      const { cols, rows } = size();
      this.resize(cols, rows);
      take(this.#serializer.serialize({ scrollback: MIRROR_SCROLLBACK }));
    });
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#term.dispose();
  }
}
