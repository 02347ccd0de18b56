import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, defaultCpuCores, describeCpuRule } from '../../server/sandbox/limits/config.ts';
import { availableParallelism } from 'node:os';

describe("a learner's default CPU quota", () => {
  it('is a quarter of the cores, at least 0.25 and at most 1', () => {
    expect([1, 2, 3, 4, 6, 64].map((cores) => defaultCpuCores(cores))).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
  });

  it("is this machine's in the default limits, and says its rule", () => {
    expect(DEFAULT_LIMITS.cpuCores).toBe(defaultCpuCores(availableParallelism()));
    expect(describeCpuRule(2)).toBe("a quarter of this machine's 2 cores, within 0.25 to 1");
    expect(describeCpuRule(1)).toBe("a quarter of this machine's 1 core, within 0.25 to 1");
  });
});
