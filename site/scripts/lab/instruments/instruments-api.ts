// The instruments' routes under /api/labs/:id/instruments/, seen from the browser; every answer is
// checked against the shared contract (server/contracts/instruments.ts).
import { z } from 'zod';
import {
  chainResultSchema, exchangeDetailSchema, lagAnswerSchema, loadRunStateSchema, nginxLogAnswerSchema, nginxPanelSchema, nginxReloadAnswerSchema,
  type ChainTryBody, type LoadRunBody,
} from '../../../../server/contracts/instruments.ts';
import { call } from '../../api-call.ts';

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Some answers come bare or wrapped in one named field; both read the same. */
const bareOr = <T extends z.ZodType>(schema: T, field: string) =>
  z.union([schema, z.object({ [field]: schema }).transform((wrapped) => wrapped[field] as z.infer<T>)]);

export function instrumentsApi(lab: string) {
  const base = `/api/labs/${encodeURIComponent(lab)}/instruments`;
  return {
    startLoad: (body: LoadRunBody) => call(bareOr(loadRunStateSchema, 'run'), `${base}/load`, post(body)),
    stopLoad: () => call(bareOr(loadRunStateSchema.nullable(), 'run'), `${base}/load/stop`, post({})),
    exchange: (id: number) => call(bareOr(exchangeDetailSchema, 'exchange'), `${base}/exchange?id=${id}`),
    lag: (on: boolean) => call(lagAnswerSchema, `${base}/lag`, post({ on })),
    chain: (body: ChainTryBody) => call(chainResultSchema, `${base}/chain`, post(body)),
    nginx: () => call(nginxPanelSchema, `${base}/nginx`),
    reloadNginx: () => call(nginxReloadAnswerSchema, `${base}/nginx/reload`, post({})),
    nginxLog: (log: 'error' | 'access', lines = 100) => call(nginxLogAnswerSchema, `${base}/nginx/log?log=${log}&lines=${lines}`),
  };
}
export type InstrumentsApi = ReturnType<typeof instrumentsApi>;
