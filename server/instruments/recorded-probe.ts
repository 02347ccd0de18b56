// A checks' probe whose requests show on the lab's timeline and in the inspector, like the simulated
// clients' traffic: it wraps any probe and reports each request to a tap.
import type { Probe, ProbeRequest, ProbeResponse } from '../contracts/check.ts';
import type { Exchange } from '../contracts/instruments.ts';
import { countFeedMessages } from './exchange-outcome.ts';
import type { TrafficTap } from './traffic-recorder.ts';

export function recordedProbe(probe: Probe, tap: TrafficTap, source: Exchange['source'] = 'check'): Probe {
  return {
    ...probe,
    async request(req: ProbeRequest): Promise<ProbeResponse> {
      const method = req.method ?? 'GET';
      const exchange = tap.begin({
        source,
        lane: source,
        port: req.port ?? 8999,
        method,
        path: req.path,
        requestHeaders: req.headers ?? {},
        requestBody: req.body ?? null,
      });
      const bytesOut = Buffer.byteLength(req.body ?? '');
      try {
        const res = await probe.request(req);
        if (res.timedOut) {
          exchange.end({ status: null, messages: null, failure: { kind: 'aborted', reason: `no answer within ${res.ms} ms` }, bytesIn: 0, bytesOut, responseBody: null });
        } else {
          exchange.head(res.status, res.headers);
          const messages = req.path.startsWith('/poll') ? countFeedMessages(res.body) : null;
          exchange.end({ status: res.status, messages, failure: null, bytesIn: Buffer.byteLength(res.body), bytesOut, responseBody: res.body });
        }
        return res;
      } catch (error) {
        exchange.end({ status: null, messages: null, failure: { kind: 'error', reason: (error as Error).message }, bytesIn: 0, bytesOut, responseBody: null });
        throw error;
      }
    },
  };
}
