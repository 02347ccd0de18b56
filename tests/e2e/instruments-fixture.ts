// Synthetic instrument traffic with the shapes of server/contracts/instruments.ts: short or long polling
// clients, a publisher, and (optionally) nginx giving up before the app. Used to drive the page's
// instruments without a playground (a recorded run) and to fill them for the 1,000-client screenshot.
import type { Exchange, InstrumentMessage, LagSample, LoadRunState, PublishMark, Recording } from '../../server/contracts/instruments.ts';

export interface TrafficPlan {
  lab: string;
  clients: number;
  mode: 'short' | 'long';
  startMs: number;
  durationMs: number;
  intervalMs?: number;
  publishEveryMs?: number;
  /** Long polls: the app answers 204 after this long. */
  appTimeoutMs?: number;
  /** Through nginx: a long poll still open after this long becomes a 504. */
  proxyTimeoutMs?: number;
}

export interface Traffic {
  exchanges: Exchange[];
  publishes: PublishMark[];
  messages: InstrumentMessage[];
}

function poll(id: number, lane: string, at: number, endMs: number, outcome: Exchange['outcome'], port: 8999 | 8888): Exchange {
  const status = { data: 200, empty: 200, timeout: 204, 'gateway-timeout': 504, 'bad-gateway': 502 }[outcome as string] ?? null;
  return {
    id, source: 'load', lane, port, method: 'GET', path: '/poll?since=0&timeout=0', at, headersMs: endMs, endMs, status, outcome,
    messages: outcome === 'data' ? 1 : 0, bytesIn: outcome === 'data' ? 96 : 60, bytesOut: 88, error: null,
  };
}

export function syntheticTraffic(plan: TrafficPlan): Traffic {
  const interval = plan.intervalMs ?? 1000;
  const every = plan.publishEveryMs ?? 5000;
  const end = plan.startMs + plan.durationMs;
  const port = plan.proxyTimeoutMs ? 8888 : 8999;
  const publishes: PublishMark[] = [];
  for (let at = plan.startMs + every; at < end; at += every) publishes.push({ at, id: publishes.length + 1, waiters: plan.mode === 'long' ? plan.clients : 0 });
  const exchanges: Exchange[] = [];
  let id = 0;
  for (let client = 0; client < plan.clients; client++) {
    const lane = `c${client}`;
    // Clients start spread over the first interval, as a real run's do.
    let at = plan.startMs + ((client * 7919) % interval);
    let seen = 0;
    while (at < end) {
      if (plan.mode === 'short') {
        const fresh = publishes.filter((mark) => mark.at <= at).length > seen;
        if (fresh) seen = publishes.filter((mark) => mark.at <= at).length;
        exchanges.push(poll(++id, lane, at, 3 + (client % 5), fresh ? 'data' : 'empty', port));
        at += interval;
      } else {
        const next = publishes.find((mark) => mark.at > at);
        const appAt = at + (plan.appTimeoutMs ?? 10_000);
        const answerAt = next && next.at < appAt ? next.at + 2 : appAt;
        const proxyAt = plan.proxyTimeoutMs ? at + plan.proxyTimeoutMs : Infinity;
        const [endAt, outcome]: [number, Exchange['outcome']] = proxyAt < answerAt
          ? [proxyAt, 'gateway-timeout']
          : [answerAt, next && next.at < appAt ? 'data' : 'timeout'];
        if (endAt > end) {
          exchanges.push({ ...poll(++id, lane, at, 0, 'open', port), headersMs: null, endMs: null, status: null });
          break;
        }
        exchanges.push(poll(++id, lane, at, endAt - at, outcome, port));
        at = endAt + 1;
      }
    }
  }
  const messages: InstrumentMessage[] = [{ type: 'hello', lab: plan.lab, now: plan.startMs, exchanges: [], publishes: [], run: null }];
  for (let from = plan.startMs; from < end; from += 1000) {
    messages.push({
      type: 'traffic', lab: plan.lab,
      exchanges: exchanges.filter((exchange) => exchange.at >= from && exchange.at < from + 1000),
      publishes: publishes.filter((mark) => mark.at >= from && mark.at < from + 1000),
    });
  }
  return { exchanges, publishes, messages };
}

/** The counters a run of `traffic` would report at its end. */
export function runState(plan: TrafficPlan, traffic: Traffic, groups: Array<'short' | 'long'> = [plan.mode]): LoadRunState {
  const finished = traffic.exchanges.filter((exchange) => exchange.outcome !== 'open');
  const seconds = plan.durationMs / 1000;
  return {
    run: 'synthetic', target: plan.proxyTimeoutMs ? 'nginx' : 'app', mode: groups.length > 1 ? 'compare' : plan.mode, state: 'finished',
    startedAt: plan.startMs, elapsedMs: plan.durationMs, durationMs: plan.durationMs, cost: { cpuMs: 40, cpuUsPerDelivery: 210 }, problem: null,
    groups: groups.map((mode) => {
      const requests = mode === plan.mode ? finished.length : Math.round(finished.length / 5);
      const empty = mode === 'short' ? finished.filter((exchange) => exchange.outcome === 'empty').length : 0;
      const deliveries = traffic.publishes.length * plan.clients;
      return {
        mode, clients: plan.clients,
        counters: { requests, empty, deliveries, errors: 0, bytesIn: requests * 70, bytesOut: requests * 88, published: traffic.publishes.length, open: 0 },
        requestsPerSecond: requests / seconds, emptyShare: requests ? empty / requests : null, requestsPerMessage: deliveries ? requests / deliveries : null,
        delayMs: mode === 'short' ? { p50: 500, p99: 990, max: 999, count: deliveries } : { p50: 2, p99: 6, max: 9, count: deliveries },
        errors: {},
      };
    }),
  };
}

export function lagSamples(startMs: number, count: number, spikeAt: number): LagSample[] {
  return Array.from({ length: count }, (_, i) => {
    const spike = i >= spikeAt && i < spikeAt + 4;
    return { at: startMs + i * 250, outsideMs: spike ? 950 - (i - spikeAt) * 240 : 2 + (i % 3), insideMs: spike ? 930 - (i - spikeAt) * 240 : 1 };
  });
}

export function syntheticRecording(plan: TrafficPlan): Recording {
  const traffic = syntheticTraffic(plan);
  return {
    lab: plan.lab, title: `${plan.clients} clients ${plan.mode}-polling`, caption: 'Most answers are empty: the clients ask before there is news.',
    recordedAt: '2026-11-28T04:00:00.000Z',
    messages: [
      ...traffic.messages,
      { type: 'run', lab: plan.lab, run: runState(plan, traffic) },
      { type: 'lag', lab: plan.lab, samples: lagSamples(plan.startMs, 40, 20) },
    ],
    terminal: '$ node poller.ts\n10 clients, polling every 1000 ms for 15 s\nrequests 150  empty 120  data 30\ndelivery delay p50 480 ms, p99 990 ms\n',
  };
}
