// Saves the learner's edits: debounced per file, at most one request in flight per file, the newest
// text always sent last, failures retried. An edit is only dropped from memory once the server has
// acknowledged that text (or a newer one).
export type SaveState = { kind: 'saved' } | { kind: 'saving' } | { kind: 'error'; message: string };

export interface Saver {
  edit(path: string, content: string): void;
  /** Sends every pending edit now and resolves when all are saved (rejects if one fails). */
  flush(): Promise<void>;
  /** Last chance before the page goes away: fire pending edits with keepalive. */
  flushOnExit(): void;
  /** Forget pending edits (after a reset replaced the files on the server). */
  discard(): void;
}

type SaveFn = (path: string, content: string, keepalive: boolean) => Promise<unknown>;

interface FileQueue {
  pending: string | null;
  timer: ReturnType<typeof setTimeout> | undefined;
  inFlight: Promise<void> | null;
  failed: string | null;
}

const DEBOUNCE_MS = 400;
const RETRY_MS = 2000;

export function createSaver(save: SaveFn, onState: (state: SaveState) => void): Saver {
  const queues = new Map<string, FileQueue>();
  const waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  const queueOf = (path: string): FileQueue => {
    let queue = queues.get(path);
    if (!queue) {
      queue = { pending: null, timer: undefined, inFlight: null, failed: null };
      queues.set(path, queue);
    }
    return queue;
  };

  function report(): void {
    const all = [...queues.values()];
    const failed = all.find((queue) => queue.failed !== null);
    const busy = all.some((queue) => queue.pending !== null || queue.inFlight);
    if (failed) onState({ kind: 'error', message: failed.failed ?? '' });
    else onState(busy ? { kind: 'saving' } : { kind: 'saved' });
    if (failed) {
      const error = new Error(failed.failed ?? 'not saved');
      waiters.splice(0).forEach((waiter) => waiter.reject(error));
    } else if (!busy) {
      waiters.splice(0).forEach((waiter) => waiter.resolve());
    }
  }

  function send(path: string): void {
    const queue = queueOf(path);
    clearTimeout(queue.timer);
    queue.timer = undefined;
    if (queue.inFlight || queue.pending === null) return;
    const content = queue.pending;
    queue.pending = null;
    queue.inFlight = save(path, content, false).then(
      () => { queue.failed = null; },
      (error: Error) => {
        queue.pending ??= content; // keep the text unless a newer edit already replaced it
        queue.failed = error.message || 'not saved';
        queue.timer = setTimeout(() => send(path), RETRY_MS);
      },
    ).finally(() => {
      queue.inFlight = null;
      if (queue.pending !== null && queue.failed === null) send(path);
      report();
    });
    report();
  }

  return {
    edit(path, content) {
      const queue = queueOf(path);
      queue.pending = content;
      clearTimeout(queue.timer);
      queue.timer = setTimeout(() => send(path), DEBOUNCE_MS);
      report();
    },
    flush() {
      const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      for (const [path, queue] of queues) {
        queue.failed = null;
        send(path);
      }
      report();
      return done;
    },
    flushOnExit() {
      for (const [path, queue] of queues) {
        if (queue.pending === null) continue;
        clearTimeout(queue.timer);
        void save(path, queue.pending, true).catch(() => undefined);
      }
    },
    discard() {
      for (const queue of queues.values()) clearTimeout(queue.timer);
      queues.clear();
      waiters.splice(0).forEach((waiter) => waiter.resolve());
      report();
    },
  };
}
