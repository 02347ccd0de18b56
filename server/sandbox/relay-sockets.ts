// The host end of the port relay: one listening unix socket per port in the host-only runDir, handed to
// the supervisor as an inherited fd. The supervisor accepts on it; the host only ever connects.
//
// Why the rename: only libuv can make a listening unix socket in Node, and a libuv server unlinks its
// path when it closes, while keeping it open in the host would let the host accept connections meant
// for the sandbox. So: listen on a temporary name, rename the socket to its final name (a unix socket
// is found by inode, the name is only a way to it), pass the fd at spawn, then close the host's copy.
// The close unlinks the temporary name, which no longer exists; the final name stays and leads to the
// socket the supervisor now holds alone. Nothing connects in between: connect() is only offered once
// the supervisor has said it is ready.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { RELAY_PORTS, type RelayPort } from '../protocol/layout.ts';

export interface RelayListeners {
  paths: Record<RelayPort, string>;
  fds: Record<RelayPort, number>;
  /** Closes the host's copies; call right after spawn. */
  release(): Promise<void>;
}

export function relayPath(runDir: string, port: RelayPort): string {
  return path.join(runDir, `relay-${port}.sock`);
}

/** sun_path holds 108 bytes on Linux (104 on macOS), the terminating NUL included. */
const MAX_SOCKET_PATH = 103;

export async function listenRelaySockets(runDir: string): Promise<RelayListeners> {
  const longest = path.join(runDir, `.relay-${RELAY_PORTS[0]}-${'0'.repeat(12)}.sock`);
  if (Buffer.byteLength(longest) > MAX_SOCKET_PATH) {
    throw new Error(`the sandbox run folder ${runDir} is too long for unix socket paths (at most ${MAX_SOCKET_PATH - 30} bytes)`);
  }
  const servers: net.Server[] = [];
  const paths = {} as Record<RelayPort, string>;
  const fds = {} as Record<RelayPort, number>;
  try {
    for (const port of RELAY_PORTS) {
      const temporary = path.join(runDir, `.relay-${port}-${randomBytes(6).toString('hex')}.sock`);
      const server = net.createServer((stray) => stray.destroy());
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(temporary, resolve);
      });
      paths[port] = relayPath(runDir, port);
      await fs.rename(temporary, paths[port]);
      // The fd of a libuv handle; Node exposes no public accessor for a server's fd.
      const fd = (server as unknown as { _handle?: { fd?: number } })._handle?.fd;
      if (typeof fd !== 'number' || fd < 0) throw new Error('cannot get the fd of a listening unix socket');
      fds[port] = fd;
    }
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
  return { paths, fds, release: () => closeAll(servers) };
}

function closeAll(servers: net.Server[]): Promise<void> {
  return Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve())))).then(() => undefined);
}
