// A page that reads more slowly than traffic comes: the instruments socket skips traffic batches while
// its send buffer is full, and tells the page how many exchanges it missed once it catches up, so the
// host never queues without bound and the page never misses anything silently. Real WebSocket, real
// socket buffers; the learner is only the key the hub is found by.
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { Exchange, InstrumentMessage } from '../../server/contracts/instruments.ts';
import { instrumentsFor } from '../../server/instruments/hub.ts';
import type { Lab } from '../../server/labs/registry.ts';
import type { Learner } from '../../server/learners/learner.ts';
import { SKIP_TRAFFIC_BYTES, streamInstruments } from '../../server/ws/instruments-socket.ts';

const server = createServer();
const wss = new WebSocketServer({ server });
afterAll(() => new Promise((resolve) => {
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  server.close(resolve);
}));

const exchange = (id: number): Exchange => ({
  id, source: 'load', lane: `c${id % 1000}`, port: 8999, method: 'GET', path: `/poll?since=${id}&timeout=30`, at: Date.now(),
  headersMs: 1.5, endMs: 2.5, status: 200, outcome: 'data', messages: 1, bytesIn: 180, bytesOut: 70, error: null,
});

describe('instruments socket under back-pressure', () => {
  it('skips batches while the page is behind, then says how many it dropped', async () => {
    const learner = {} as Learner;
    const lab = { meta: { id: 'comet' } } as Lab;
    const hub = instrumentsFor(learner);
    wss.on('connection', (ws) => streamInstruments(ws, lab, learner));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: InstrumentMessage[] = [];
    client.on('message', (data) => received.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    const until = async (what: string, done: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await until('the hello', () => received.length === 1);
    expect(received[0]).toMatchObject({ type: 'hello', lab: 'comet', exchanges: [], run: null });

    // In one turn of the event loop, far more than the socket can take: the page cannot read meanwhile.
    const batches = 200;
    const perBatch = 1000;
    let id = 0;
    for (let b = 0; b < batches; b++) {
      hub.emit({ type: 'traffic', lab: 'comet', exchanges: Array.from({ length: perBatch }, () => exchange(++id)), publishes: [] });
    }
    const sentBytes = batches * perBatch * JSON.stringify(exchange(1)).length;
    expect(sentBytes).toBeGreaterThan(40 * SKIP_TRAFFIC_BYTES);
    // Messages for other labs never reach this page.
    hub.emit({ type: 'dropped', lab: 'timers', exchanges: 5 });
    // Once caught up, the next batch goes out after a count of what was skipped.
    const count = () => received.filter((m) => m.type === 'traffic').reduce((sum, m) => sum + (m.type === 'traffic' ? m.exchanges.length : 0), 0);
    const [serverSide] = wss.clients;
    await until('the page to catch up', () => serverSide!.bufferedAmount === 0);
    hub.emit({ type: 'traffic', lab: 'comet', exchanges: [exchange(++id)], publishes: [] });
    await until('the last batch', () => received.at(-1)?.type === 'traffic' && (received.at(-1) as { exchanges: Exchange[] }).exchanges[0]!.id === id);
    const dropped = received.filter((m) => m.type === 'dropped');
    expect(dropped).toHaveLength(1);
    const droppedCount = dropped[0]!.type === 'dropped' ? dropped[0]!.exchanges : 0;
    expect(droppedCount).toBeGreaterThan(0);
    const deliveredBefore = count() - 1;
    expect(deliveredBefore).toBeLessThan(batches * perBatch);
    expect(deliveredBefore + droppedCount).toBe(batches * perBatch);
    expect(received.at(-2)?.type).toBe('dropped');
    client.close();
  });
});
