// The page's side of /ws/instruments for tests: every message, checked against the contract, and the
// last record of each exchange.
import WebSocket from 'ws';
import { instrumentMessageSchema, type Exchange, type InstrumentMessage } from '../../server/contracts/instruments.ts';
import { until } from './until.ts';

export interface InstrumentsChannel {
  messages: InstrumentMessage[];
  ws: WebSocket;
  /** The last record of every exchange seen, by id. */
  exchanges(): Map<number, Exchange>;
}

/** Opens the lab's instruments channel and resolves once its hello has come. */
export async function openInstruments(baseUrl: string, lab: string): Promise<InstrumentsChannel> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/instruments?lab=${lab}`);
  const messages: InstrumentMessage[] = [];
  ws.on('message', (data) => messages.push(instrumentMessageSchema.parse(JSON.parse(data.toString()))));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  await until('the hello', () => messages.length > 0);
  return {
    messages,
    ws,
    exchanges: () => new Map(messages.flatMap((m) => (m.type === 'traffic' || m.type === 'hello' ? m.exchanges : [])).map((e) => [e.id, e])),
  };
}
