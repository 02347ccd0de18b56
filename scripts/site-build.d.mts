// Types of site-build.mjs, which stays plain JavaScript: the set-up runs on any Node >= 18, before TypeScript exists.
export const STAMP_FILE: string;
export function isCurrent(dist: string, stamp: string): boolean;
export function swapIn(next: string, dist: string): void;
export function ensureSiteBuild(options: {
  lockPath: string;
  dist: string;
  stamp: () => string;
  build: (outDir: string) => void;
  prepare?: () => void;
  onWait?: (pid: number) => void;
}): boolean;
