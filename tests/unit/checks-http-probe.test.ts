import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTcp, createHttpProbe, createTcpProbe } from '../../server/checks/http-probe.ts';
import { ProbeError } from '../../server/checks/probe-error.ts';
import { freePort } from '../helpers/ports.ts';

const servers: Server[] = [];
const sockets = new Set<Socket>();

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: Socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const received: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
let httpPort = 0;

function app(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => { body += chunk; });
  req.on('end', () => {
    received.push({ method: req.method, url: req.url, headers: req.headers, body });
    if (req.url === '/hang') return;
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 97);
      let sent = 0;
      const pump = () => {
        while (sent < 2 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) { res.once('drain', pump); return; }
        }
        res.end();
      };
      pump();
      return;
    }
    if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only ten b');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.writeHead(201, { 'X-Custom': 'Yes', 'Set-Cookie': ['a=1', 'b=2'], 'content-type': 'application/json' });
    res.end(JSON.stringify({ echo: body, method: req.method }));
  });
}

beforeAll(async () => {
  httpPort = await listen(createHttpServer(app));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('createHttpProbe over TCP', () => {
  it('sends method, path, headers and body, one connection per request, and returns lower-cased headers', async () => {
    const probe = createTcpProbe('127.0.0.1', httpPort);
    const res = await probe.request({ method: 'POST', path: '/publish?x=1', headers: { 'Content-Type': 'application/json' }, body: '{"é":1}' });

    expect(res).toMatchObject({ status: 201, timedOut: false });
    expect(JSON.parse(res.body)).toEqual({ echo: '{"é":1}', method: 'POST' });
    expect(res.headers['x-custom']).toBe('Yes');
    expect(res.headers['set-cookie']).toBe('a=1, b=2');
    expect(res.ms).toBeGreaterThanOrEqual(0);
    const last = received.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', url: '/publish?x=1' });
    expect(last.headers['content-length']).toBe(String(Buffer.byteLength('{"é":1}')));
    expect(last.headers.connection).toBe('close');
  });

  it('gives up after the timeout with status 0 and timedOut', async () => {
    const probe = createTcpProbe('127.0.0.1', httpPort);
    const started = performance.now();
    const res = await probe.request({ path: '/hang', timeoutMs: 200 });
    const elapsed = performance.now() - started;

    expect(res).toMatchObject({ status: 0, timedOut: true, body: '' });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1000);
  });

  it('stops reading a body larger than the cap (1 MiB by default)', async () => {
    const defaultCap = createTcpProbe('127.0.0.1', httpPort);
    await expect(defaultCap.request({ path: '/big' })).rejects.toMatchObject({ kind: 'too-large', message: expect.stringContaining('1 MiB') });
    const smallCap = createTcpProbe('127.0.0.1', httpPort, undefined, { maxBodyBytes: 1000 });
    await expect(smallCap.request({ path: '/big' })).rejects.toMatchObject({ kind: 'too-large' });
  });

  it('reports a closed port as unreachable', async () => {
    const probe = createTcpProbe('127.0.0.1', await freePort());
    const error = await probe.request({ path: '/' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeError);
    expect(error).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('connection refused') });
    expect((error as Error).message).toContain('the app is not running');
  });

  it('reports port 8888 as unreachable when no nginx port is mapped', async () => {
    const probe = createTcpProbe('127.0.0.1', httpPort);
    await expect(probe.request({ path: '/', port: 8888 })).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringContaining('nginx') });
  });

  it('reports a connection closed without an answer (what a relay does when the app is down)', async () => {
    const port = await listen(createNetServer((socket) => socket.destroy()));
    const probe = createTcpProbe('127.0.0.1', port);
    await expect(probe.request({ path: '/' })).rejects.toMatchObject({ kind: 'closed' });
  });

  it('reports a body cut off in the middle as closed', async () => {
    const probe = createTcpProbe('127.0.0.1', httpPort);
    await expect(probe.request({ path: '/cut' })).rejects.toMatchObject({ kind: 'closed' });
  });

  it('reports bytes that are not HTTP as a bad response', async () => {
    const port = await listen(createNetServer((socket) => socket.end('hello there\r\n\r\n')));
    const probe = createTcpProbe('127.0.0.1', port);
    await expect(probe.request({ path: '/' })).rejects.toMatchObject({ kind: 'bad-response' });
  });

  it('reports oversized headers as a bad response', async () => {
    const port = await listen(createNetServer((socket) => {
      socket.end(`HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(20_000)}\r\ncontent-length: 0\r\n\r\n`);
    }));
    const probe = createTcpProbe('127.0.0.1', port);
    await expect(probe.request({ path: '/' })).rejects.toMatchObject({ kind: 'bad-response' });
  });

  it('refuses a path that could smuggle a second request', async () => {
    const probe = createTcpProbe('127.0.0.1', httpPort);
    expect(() => probe.request({ path: '/a HTTP/1.1\r\nHost: x\r\n\r\nGET /b' })).toThrow(TypeError);
    expect(() => probe.request({ path: 'no-slash' })).toThrow(TypeError);
  });
});

describe('createHttpProbe over a given stream factory', () => {
  it('asks the factory for the lab port and reports its failure as unreachable', async () => {
    const asked: number[] = [];
    const probe = createHttpProbe(async (port) => { asked.push(port); throw new Error('relay socket is gone'); });
    await expect(probe.request({ path: '/', port: 8888 })).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringContaining('relay socket is gone') });
    expect(asked).toEqual([8888]);
  });

  it('reports a factory that throws outright as unreachable', async () => {
    const probe = createHttpProbe(() => { throw new Error('no relay for this learner'); });
    await expect(probe.request({ path: '/' })).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringContaining('no relay') });
  });

  it('times out a factory that never connects', async () => {
    const probe = createHttpProbe(() => new Promise(() => {}));
    await expect(probe.request({ path: '/', timeoutMs: 100 })).resolves.toMatchObject({ status: 0, timedOut: true });
  });

  it('works with connectTcp mapping 8999 to a real port', async () => {
    const probe = createHttpProbe(connectTcp('127.0.0.1', httpPort), { defaultTimeoutMs: 1000 });
    await expect(probe.request({ path: '/x' })).resolves.toMatchObject({ status: 201 });
  });
});
