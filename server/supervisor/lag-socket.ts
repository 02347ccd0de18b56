// Where the app's lag preload (lag-preload.ts) reports: a unix socket beside the `lab` socket, in the
// folder only this sandbox's uid can enter. The learner can connect too and write anything, so every
// line is checked and the rate is capped before a sample goes to the host (which validates it again).
import net from 'node:net';

/** The variable that tells the preload where to report; only the app gets it. */
export const LAG_SOCKET_ENV = 'COMETLAB_LAG_SOCKET';
const MAX_LINE_BYTES = 32;
const MAX_CONNECTIONS = 4;
/** The preload samples four times a second; anything faster is not the preload. */
const MIN_GAP_MS = 100;
export const MAX_LAG_MS = 600_000;

/** A sample line's delay in ms, or null when the line is not one. */
export function parseLagLine(line: string): number | null {
  if (!/^\d{1,6}(\.\d{1,3})?$/.test(line)) return null;
  const ms = Number(line);
  return ms <= MAX_LAG_MS ? ms : null;
}

export class LagSocket {
  readonly path: string;
  readonly #server: net.Server;
  #lastSentAt = 0;

  constructor(path: string, report: (maxMs: number) => void) {
    this.path = path;
    this.#server = net.createServer((socket) => {
      let pending = '';
      socket.setEncoding('utf8');
      socket.on('error', () => socket.destroy());
      socket.on('data', (text: string) => {
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop()!;
        if (pending.length > MAX_LINE_BYTES) return socket.destroy();
        for (const line of lines) {
          const ms = parseLagLine(line);
          if (ms === null) return socket.destroy();
          const now = Date.now();
          if (now - this.#lastSentAt < MIN_GAP_MS) continue;
          this.#lastSentAt = now;
          report(ms);
        }
      });
    });
    this.#server.maxConnections = MAX_CONNECTIONS;
    this.#server.on('error', (error) => process.stderr.write(`supervisor: lag socket failed: ${error.message}\n`));
    this.#server.listen(path);
  }

  close(): void {
    this.#server.close();
  }
}
