// Summaries of timing samples, shared by every benchmark.
import { percentile } from '../server/instruments/percentile.ts';

export { percentile };

export function summary(samples: readonly number[], unit = 'ms', digits = 2): string {
  const f = (n: number) => n.toFixed(digits);
  return `p50 ${f(percentile(samples, 50))} ${unit}, p99 ${f(percentile(samples, 99))} ${unit}, max ${f(Math.max(...samples))} ${unit} (n=${samples.length})`;
}
