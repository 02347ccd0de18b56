// The sentence under the Try it's picture: what happened to the one poll, hop by hop, in the words of
// the lesson. Pure.
import type { ChainResult, ChainTryBody } from '../contracts/instruments.ts';

const s = (seconds: number) => `${Number(seconds.toFixed(2))} s`;

export function describeTry(body: ChainTryBody, result: Pick<ChainResult, 'outcome' | 'status' | 'atS' | 'nginxLogged'>, problem: string | null): string {
  const via = body.nginxS === null ? 'straight to the app' : `through nginx (proxy_read_timeout ${s(body.nginxS)})`;
  const logged = result.nginxLogged === null ? '' : ` nginx logged ${result.nginxLogged}.`;
  switch (result.outcome) {
    case 'data':
      return `The poll went ${via} and came back with ${result.status} and the message after ${s(result.atS)}.${logged}`;
    case 'empty':
      return `The poll went ${via}; the app's timeout (${s(body.appS)}) ended it with ${result.status} after ${s(result.atS)}, before anyone else gave up.${logged}`;
    case 'gateway-timeout':
      return `nginx stopped waiting for the app after ${s(result.atS)} and answered 504 Gateway Time-out: the app would have answered at ${s(body.appS)} at the earliest.${logged}`;
    case 'client-abort':
      return `The client gave up after ${s(body.clientS)} without an answer; nothing further out waited long enough.${logged}`;
    case 'error':
      return `The poll ${via} failed: ${problem ?? `it answered ${result.status}`}.${logged}`;
  }
}
