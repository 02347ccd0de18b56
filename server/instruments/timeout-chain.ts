// Predicts what one long poll comes to through the chain client -> nginx -> app, from the three timeouts
// and when (if ever) a message arrives. Each hop's clock starts a little before the next one's (the
// client sends, then nginx connects upstream, then the app reads the request), so on a tie the outer
// hop fires first: measured in lab 6, six polls with nginx and the app both at 3 s all got 504.
import { z } from 'zod';

const seconds = z.number().finite().nonnegative();

export const chainInputSchema = z.object({
  /** How long the client waits for an answer. */
  clientS: seconds.positive(),
  /** nginx's proxy_read_timeout, or null when the client talks to the app directly. */
  nginxS: seconds.positive().nullable(),
  /** The poll's timeout: the app answers 204 after this long with no news. */
  appS: seconds,
  /** When a message is published, from the moment the poll is sent; null when none comes. */
  messageAtS: seconds.nullable(),
});
export type ChainInput = z.infer<typeof chainInputSchema>;

export type ChainOutcome = 'data' | 'empty' | 'gateway-timeout' | 'client-abort';

export interface ChainPrediction {
  outcome: ChainOutcome;
  /** The status the client sees; null when it gave up first. */
  status: 200 | 204 | 504 | null;
  /** What nginx writes in its access log (499: the client left first); null without nginx. */
  nginxLogs: 200 | 204 | 499 | 504 | null;
  atS: number;
  endedBy: 'app' | 'nginx' | 'client';
  /** Set when two hops end at the same moment: which outcomes race, and why the likely one is first. */
  race: { between: [ChainOutcome, ChainOutcome]; why: string } | null;
}

interface Ending {
  outcome: ChainOutcome;
  status: 200 | 204 | 504 | null;
  atS: number;
  endedBy: ChainPrediction['endedBy'];
  race: ChainPrediction['race'];
}

function appEnding({ appS, messageAtS }: ChainInput): Ending {
  const data: Ending = { outcome: 'data', status: 200, atS: messageAtS ?? 0, endedBy: 'app', race: null };
  const empty: Ending = { outcome: 'empty', status: 204, atS: appS, endedBy: 'app', race: null };
  // A message already there (at 0) is answered at once, even by a short poll.
  if (messageAtS === 0) return data;
  if (messageAtS === null || messageAtS > appS) return empty;
  if (messageAtS < appS) return data;
  return {
    ...empty,
    race: {
      between: ['empty', 'data'],
      why: 'the app\'s timer and the publish come due together; the event loop runs due timers before it reads new requests, so the 204 usually goes first',
    },
  };
}

/** The ending of the next hop out, which fires at `limitS` unless the inner answer comes first. */
function outerHop(inner: Ending, limitS: number, own: Ending, why: string): Ending {
  if (inner.atS < limitS) return inner;
  if (inner.atS > limitS) return own;
  return { ...own, race: { between: [own.outcome, inner.outcome], why } };
}

export function predictChain(input: ChainInput): ChainPrediction {
  const checked = chainInputSchema.parse(input);
  const { clientS, nginxS } = checked;
  const app = appEnding(checked);
  const throughNginx = nginxS === null
    ? app
    : outerHop(app, nginxS, { outcome: 'gateway-timeout', status: 504, atS: nginxS, endedBy: 'nginx', race: null },
      'nginx\'s proxy_read_timeout equals the app\'s answer time: nginx started its clock first and usually wins (race; measured in lab 6: all 504)');
  const seen = outerHop(throughNginx, clientS, { outcome: 'client-abort', status: null, atS: clientS, endedBy: 'client', race: null },
    'the client\'s timeout equals the moment the answer comes: the client started its clock first and usually gives up (race)');
  const nginxLogs = nginxS === null ? null : seen.outcome === 'client-abort' ? 499 : seen.status;
  return { outcome: seen.outcome, status: seen.status, nginxLogs, atS: seen.atS, endedBy: seen.endedBy, race: seen.race };
}
