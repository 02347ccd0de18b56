// Loaded into the learner's app with `node --import` (see app.ts): measures the app's own event-loop
// delay and tells the supervisor, so a blocking sleep shows from inside as well as from the host's
// probes. It must not change the app: no output, no globals, nothing that keeps the process alive, and
// silence when the supervisor's socket is missing or goes away. One line per sample: the largest delay
// over the last interval, in ms.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import net from 'node:net';

const SOCKET_ENV = 'COMETLAB_LAG_SOCKET';
const SAMPLE_MS = 250;
/** Samples queued for a supervisor that does not read are dropped, not stored. */
const MAX_QUEUED_BYTES = 1024;

function start(): void {
  const path = process.env[SOCKET_ENV];
  // The app and whatever it starts should not see our plumbing.
  delete process.env[SOCKET_ENV];
  if (!path) return;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  const socket = net.connect({ path });
  socket.unref();
  let timer: NodeJS.Timeout | undefined;
  const quit = () => {
    clearInterval(timer);
    histogram.disable();
    socket.destroy();
  };
  socket.on('error', quit);
  socket.on('close', quit);
  socket.on('data', () => undefined); // nothing is expected; reading keeps a close visible
  socket.once('connect', () => {
    histogram.enable();
    let last = performance.now();
    timer = setInterval(() => {
      // The histogram's own timer misses blocks that follow each other with no turn of the loop in
      // between; how late this tick came covers them.
      const now = performance.now();
      const lateMs = Math.max(0, now - last - SAMPLE_MS);
      last = now;
      const maxMs = Math.max(histogram.max / 1e6, lateMs);
      histogram.reset();
      if (socket.writableLength < MAX_QUEUED_BYTES) socket.write(`${maxMs.toFixed(1)}\n`);
    }, SAMPLE_MS);
    timer.unref();
  });
}

try {
  start();
} catch {
  // whatever went wrong is ours, not the app's: stay silent
}
