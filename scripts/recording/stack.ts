// The processes a recorded experiment runs against, as plain host processes on free ports: the lab's
// starter tools with the solution's files laid over them (or the starter alone, for the "before" half of
// a before-and-after), nginx with the lab's own config, redis and lab 7's cluster. The test fixtures
// already start exactly these for the labs' tests, so recordings use the same code.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startScript, stopAll } from '../../tests/helpers/lab-apps.ts';
import { labCopy, runNode, startCluster, startNginx, startRedis, stopServices, type Cluster } from '../../tests/fixtures/lab-scaling-out/services.ts';
import type { PortMap } from './session.ts';

export const labsDir = join(import.meta.dirname, '..', '..', 'labs');

export interface Workspace {
  dir: string;
  ports: PortMap;
  /** nginx's -p folder (its logs/), when nginx runs. */
  nginxDir?: string;
}

/** A learner's folder for the lab (solution or starter) with its app running. */
export async function startApp(lab: string, folder: 'starter' | 'solution'): Promise<Workspace> {
  const dir = await labCopy(join(labsDir, lab), folder);
  const app = await startScript(dir, 'server.ts');
  return { dir, ports: { 8999: app.port } };
}

/** nginx with the workspace's nginx.conf, `edit` applied first (an experiment's proxy_read_timeout). */
export async function startNginxFor(workspace: Workspace, edit: (config: string) => string = (c) => c, extraPorts: Record<number, number> = {}): Promise<Workspace> {
  const config = edit(await readFile(join(workspace.dir, 'nginx.conf'), 'utf8'));
  const nginx = await startNginx(config, { 8999: workspace.ports[8999]!, ...extraPorts });
  return { ...workspace, ports: { ...workspace.ports, 8888: nginx.port }, nginxDir: nginx.dir };
}

/** Lab 7's cluster (two backends) from the workspace, with redis when `withRedis`, and nginx in front. */
export async function startScaledOut(folder: 'starter' | 'solution', withRedis: boolean): Promise<Workspace & { cluster: Cluster }> {
  const dir = await labCopy(join(labsDir, '07-scaling-out'), folder);
  const redis = withRedis ? await startRedis() : undefined;
  const cluster = await startCluster(dir, redis?.port);
  const [first, second] = cluster.backends;
  const workspace = await startNginxFor({ dir, ports: { 8999: cluster.port } }, undefined, { 9001: first!, 9002: second! });
  return { ...workspace, cluster };
}

/** A lab tool run to its end in the workspace, with its output. */
export async function runTool(workspace: Workspace, args: string[]): Promise<string> {
  return (await runNode(workspace.dir, args)).output;
}

export async function stopEverything(): Promise<void> {
  await stopServices();
  await stopAll();
}
