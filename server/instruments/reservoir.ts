// A fixed-size, uniform sample of an unbounded stream (Vitter's algorithm R), so a load run of any length
// or size keeps its delay percentiles honest in bounded memory.
export interface Reservoir {
  add(value: number): void;
  /** How many values were offered, kept or not. */
  readonly seen: number;
  readonly samples: readonly number[];
}

export function createReservoir(capacity: number, random: () => number = Math.random): Reservoir {
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, not ${capacity}`);
  const samples: number[] = [];
  let seen = 0;
  return {
    add(value: number): void {
      seen += 1;
      if (samples.length < capacity) {
        samples.push(value);
        return;
      }
      // Each of the `seen` values so far ends up kept with the same chance, capacity / seen.
      const slot = Math.floor(random() * seen);
      if (slot < capacity) samples[slot] = value;
    },
    get seen() {
      return seen;
    },
    samples,
  };
}
