// The host's way in to a port inside the sandbox: a connection to that port's relay socket, which the
// supervisor accepts and joins to 127.0.0.1:port in there (see relay-sockets.ts for how it came to be).
import net from 'node:net';
import type { RelayPort } from '../protocol/layout.ts';

export function connectRelay(paths: Record<RelayPort, string>, port: RelayPort): Promise<net.Socket> {
  const path = paths[port];
  if (!path) return Promise.reject(new Error(`port ${port} is not relayed`));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ path });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
