// A fixed-capacity ring of the newest items: what the instruments keep of a stream that never ends.
export class Ring<T> {
  readonly capacity: number;
  readonly #items: T[] = [];
  #next = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, not ${capacity}`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.#items.length;
  }

  /** Adds an item and returns the one it pushed out, if any. */
  push(item: T): T | undefined {
    if (this.#items.length < this.capacity) {
      this.#items.push(item);
      return undefined;
    }
    const evicted = this.#items[this.#next];
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    return evicted;
  }

  /** Oldest first. */
  toArray(): T[] {
    return [...this.#items.slice(this.#next), ...this.#items.slice(0, this.#next)];
  }
}
