// Routes of the lag meter, the timeout chain's Try it and the nginx panel under /api/labs/:id/instruments/.
import type { IncomingMessage } from 'node:http';
import { chainTryBodySchema, lagBodySchema, nginxLogQuerySchema } from '../contracts/instruments.ts';
import { tryChain } from '../instruments/chain-try.ts';
import { instrumentsFor } from '../instruments/hub.ts';
import { switchLagMeter } from '../instruments/lag-meter.ts';
import { followNginxLogs } from '../instruments/nginx-log-tail.ts';
import { lastLines } from '../instruments/nginx-logs.ts';
import { nginxPanel, reloadNginx, requireNginx } from '../instruments/nginx-panel.ts';
import type { Routes } from './api.ts';
import { readJsonBody } from './body.ts';
import { badRequest } from './errors.ts';

const MAX_PANEL_BODY_BYTES = 4 * 1024;

function queryOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(new URL(req.url ?? '/', 'http://query').searchParams);
}

export const panelRoutes: Routes = {
  lag: {
    POST: async (req, lab, learner) => {
      const { on } = await readJsonBody(req, lagBodySchema, MAX_PANEL_BODY_BYTES);
      return switchLagMeter(learner, lab.meta.id, on);
    },
  },
  chain: {
    POST: async (req, lab, learner) => {
      const body = await readJsonBody(req, chainTryBodySchema, MAX_PANEL_BODY_BYTES);
      return tryChain(learner, lab, body, instrumentsFor(learner));
    },
  },
  nginx: {
    GET: async (_req, lab, learner) => {
      const panel = await nginxPanel(learner, lab);
      // The page that shows the panel also wants the logs' new lines, for as long as it stays.
      followNginxLogs(learner, lab.meta.id);
      return panel;
    },
  },
  'nginx/reload': { POST: (_req, lab, learner) => reloadNginx(learner, lab) },
  'nginx/log': {
    GET: async (req, lab, learner) => {
      requireNginx(lab);
      const parsed = nginxLogQuerySchema.safeParse(queryOf(req));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw badRequest(`The query does not fit: ${issue?.message ?? 'invalid'}${issue?.path.length ? ` at ${issue.path.join('.')}` : ''}.`, 'invalid_query');
      }
      const { log, lines } = parsed.data;
      return { log, ...(await lastLines(learner.store.homeDir, lab.meta.id, log, lines)) };
    },
  },
};
