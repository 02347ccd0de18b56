// Types of build-lock.mjs, which stays plain JavaScript: the set-up runs on any Node >= 18, before TypeScript exists.
export interface LockOwner { pid: number; started: string }
export interface LockOptions { onWait?: (pid: number) => void; pollMs?: number }
export function startTimeOf(pid: number): string;
export function parseOwner(text: string): LockOwner | null;
export function ownerAlive(owner: LockOwner): boolean;
export function acquireLock(path: string, options?: LockOptions): () => void;
export function withLock<T>(path: string, options: LockOptions, work: () => T): T;
