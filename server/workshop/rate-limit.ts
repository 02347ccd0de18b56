// A token bucket per key (a client address): `capacity` attempts at once, refilled at `perMinute`.
// The clock is passed in so the arithmetic is unit-tested; idle keys are forgotten to bound memory.

export interface RateLimitOptions {
  capacity: number;
  perMinute: number;
  /** Keys tracked at most; past it the stalest are dropped (a flood of addresses cannot grow memory). */
  maxKeys?: number;
}

export class RateLimiter {
  readonly #options: Required<RateLimitOptions>;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: RateLimitOptions) {
    this.#options = { maxKeys: 10_000, ...options };
  }

  /** Takes one attempt for `key`; answers how many ms to wait when there is none left (0: go ahead). */
  take(key: string, now: number): number {
    const { capacity, perMinute, maxKeys } = this.#options;
    const msPerToken = 60_000 / perMinute;
    const bucket = this.#buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) / msPerToken);
    bucket.at = now;
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    if (bucket.tokens < 1) return Math.ceil((1 - bucket.tokens) * msPerToken);
    bucket.tokens -= 1;
    return 0;
  }
}
