// Lab 8's read-only tools: the WebSocket frames and handshake, the SSE reader, and transports.ts's
// arithmetic and its run against the real solution (direct and through nginx).
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SseParser } from '../../labs/08-beyond-comet/starter/event-stream.ts';
import lab from '../../labs/08-beyond-comet/lab.ts';
import { defaults, formatTable, parseOptions, percentile } from '../../labs/08-beyond-comet/starter/transports.ts';
import {
  acceptKey, acceptWebSocket, encodeFrame, FrameParser, Opcode, WebSocketProtocolError,
} from '../../labs/08-beyond-comet/starter/websocket.ts';
import { startScript, stopAll } from '../helpers/lab-apps.ts';
import { labCopy, runNode, startNginx, stopServices } from '../fixtures/lab-scaling-out/services.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '08-beyond-comet');

afterAll(async () => {
  await stopServices();
  await stopAll();
});

describe('websocket.ts', () => {
  it('computes the accept key of RFC 6455\'s own example', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('frames short, 16-bit and 64-bit lengths, masked and not, and reads them back split anywhere', () => {
    const mask = Buffer.from([1, 2, 3, 4]);
    const payloads = [Buffer.from('hi'), Buffer.alloc(300, 'a'), Buffer.alloc(0x10000, 'b')];
    const bytes = Buffer.concat(payloads.flatMap((p) => [encodeFrame(Opcode.text, p), encodeFrame(Opcode.text, p, mask)]));
    expect(encodeFrame(Opcode.text, Buffer.from('hi'))).toEqual(Buffer.from([0x81, 2, 0x68, 0x69]));
    expect(encodeFrame(Opcode.text, Buffer.from('hi'), mask).subarray(0, 6)).toEqual(Buffer.from([0x81, 0x82, 1, 2, 3, 4]));
    const parser = new FrameParser();
    const frames = [];
    for (let i = 0; i < bytes.length; i += 7000) frames.push(...parser.push(bytes.subarray(i, i + 7000)));
    expect(frames.map((f) => [f.fin, f.opcode, f.payload.length])).toEqual(payloads.flatMap((p) => [[true, 1, p.length], [true, 1, p.length]]));
    expect(frames[3]!.payload.equals(payloads[1]!)).toBe(true);
  });

  it('refuses frames with reserved bits or too large to accept', () => {
    expect(() => new FrameParser().push(Buffer.from([0xc1, 0]))).toThrow(WebSocketProtocolError);
    const huge = Buffer.from([0x81, 127, 0, 0, 0, 0, 0, 0x10, 0, 0]);
    expect(() => new FrameParser().push(huge)).toThrow(/larger than/);
  });

  it('answers a handshake, echoes nothing but pongs a ping, and refuses a request that is no handshake', async () => {
    const server: Server = createServer();
    server.on('upgrade', (req, socket, head) => {
      const ws = acceptWebSocket(req, socket, head);
      ws?.onText((text) => ws.send(`got ${text}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const talk = (request: string, frames: Buffer[]) => new Promise<Buffer>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => socket.write(Buffer.concat([Buffer.from(request), ...frames])));
      let received = Buffer.alloc(0);
      socket.on('data', (chunk) => { received = Buffer.concat([received, chunk]); });
      socket.on('close', () => resolve(received));
      setTimeout(() => socket.end(), 300);
    });
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    const mask = Buffer.from([9, 8, 7, 6]);
    const answer = await talk(`GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      [encodeFrame(Opcode.ping, Buffer.from('p'), mask), encodeFrame(Opcode.text, Buffer.from('yo'), mask)]);
    const headEnd = answer.indexOf('\r\n\r\n');
    expect(answer.subarray(0, headEnd).toString()).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n[\s\S]*sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
    const frames = new FrameParser().push(answer.subarray(headEnd + 4));
    expect(frames.map((f) => [f.opcode, f.payload.toString()])).toEqual([[Opcode.pong, 'p'], [Opcode.text, 'got yo']]);
    const refused = await talk('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\n\r\n', []);
    expect(refused.toString()).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    server.close();
  });
});

describe('event-stream.ts', () => {
  // A lone \r at the very end could be half of \r\n, so the reader waits for the next byte: the text ends in \r\n.
  it('reads events, ids, retry and comments, whatever the line endings and however the text is cut', () => {
    const text = 'retry: 1000\n\n: heartbeat\r\nid: 7\r\ndata: {"a":1}\r\n\r\nevent: note\rdata:two\rdata: lines\r\r\n';
    for (const step of [1, 3, text.length]) {
      const parser = new SseParser();
      const items = [];
      for (let i = 0; i < text.length; i += step) items.push(...parser.push(text.slice(i, i + step)));
      expect(items).toEqual([
        { type: 'event', event: { retry: 1000, data: '' } },
        { type: 'comment', text: 'heartbeat' },
        { type: 'event', event: { id: '7', data: '{"a":1}' } },
        { type: 'event', event: { event: 'note', data: 'two\nlines' } },
      ]);
    }
  });

  it('ignores a bad retry and an empty line with nothing before it', () => {
    expect(new SseParser().push('\n\nretry: soon\ndata: x\n\n')).toEqual([{ type: 'event', event: { data: 'x' } }]);
  });
});

describe('transports.ts', () => {
  it('reads its options and refuses bad ones', () => {
    expect(parseOptions([])).toEqual({ count: 20, everyMs: 200, port: 8999 });
    expect(defaults.everyMs).toBe(lab.timing.publishEvery);
    expect(parseOptions(['--count', '5', '--every', '2000', '--port', '8888'])).toEqual({ count: 5, everyMs: 2000, port: 8888 });
    expect(() => parseOptions(['--count', '0'])).toThrow(/--count must be a whole number from 1/);
    expect(() => parseOptions(['--every', 'often'])).toThrow(/--every/);
  });

  it('prints one aligned row per transport, with n/a for nothing delivered', () => {
    expect(percentile([5, 1, 3], 50)).toBe(3);
    const table = formatTable([
      { name: 'long poll', delaysMs: [3, 4], bytes: 500, requests: 2 },
      { name: 'websocket', delaysMs: [], bytes: 300, requests: 1 },
    ], 2);
    expect(table.split('\n')).toEqual([
      'transport  delivered  delay p50  delay p99  bytes/message  requests',
      'long poll  2/2        3 ms       4 ms       250            2',
      'websocket  0/2        n/a        n/a        n/a            1',
    ]);
  });

  it('delivers every message over all three, directly and through nginx, with WebSocket the leanest', async () => {
    const dir = await labCopy(labDir, 'solution');
    const app = await startScript(dir, 'server.ts');
    const nginx = await startNginx(await readFile(join(dir, 'nginx.conf'), 'utf8'), { 8999: app.port });
    for (const port of [app.port, nginx.port]) {
      const { code, output } = await runNode(dir, ['transports.ts', '--count', '5', '--every', '100', '--port', String(port)]);
      expect(code, output).toBe(0);
      const rows = Object.fromEntries(output.trim().split('\n').slice(1).map((line) => {
        const cells = line.split(/\s{2,}/);
        return [cells[0], { delivered: cells[1], bytes: Number(cells[4]), requests: Number(cells[5]) }];
      }));
      expect(Object.values(rows).map((r) => r.delivered)).toEqual(['5/5', '5/5', '5/5']);
      expect(rows.websocket!.bytes).toBeLessThan(rows.sse!.bytes);
      expect(rows.sse!.bytes).toBeLessThan(rows['long poll']!.bytes);
      expect(rows.sse!.requests).toBe(1);
      expect(rows['long poll']!.requests).toBeGreaterThanOrEqual(5);
    }
  }, 20_000);

  it('says which stream is missing when the app has none (the starter)', async () => {
    const dir = await labCopy(labDir, 'starter');
    const app = await startScript(dir, 'server.ts');
    const { code, output } = await runNode(dir, ['transports.ts', '--count', '1', '--port', String(app.port)]);
    expect(code).toBe(1);
    expect(output).toMatch(/^GET \/events answered 501/);
  }, 15_000);
});
