// The port relay: the host made a listening unix socket and passed it in as an fd; every connection on
// it is joined to 127.0.0.1:port inside the sandbox's network namespace. Half-close is kept so HTTP
// clients that end their side early still get their answer.
import net from 'node:net';

export function startRelay(fd: number, port: number): net.Server {
  const server = net.createServer({ allowHalfOpen: true }, (downstream) => {
    const upstream = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const destroyBoth = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('error', destroyBoth);
    upstream.on('error', destroyBoth);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  server.listen({ fd });
  return server;
}
