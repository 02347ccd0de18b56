// The `lab` command typed in a real sandboxed terminal of a real playground process: the host does the
// work (app, checks, nginx, hints, reset), records progress itself, and refuses what a learner forges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startPlaygroundProcess, type RunningPlayground } from '../helpers/playground-process.ts';
import { openTerminal, type TerminalClient } from '../helpers/terminal-client.ts';
import { until } from '../helpers/until.ts';

let playground: RunningPlayground;
let shell: TerminalClient;
let marks = 0;

beforeAll(async () => {
  playground = await startPlaygroundProcess();
  shell = await openTerminal(playground.url, 'short-polling');
  await shell.waitFor(/learner@lab/);
});
afterAll(async () => {
  shell?.ws.close();
  await playground?.stop();
  if (playground) await rm(playground.dataDir, { recursive: true, force: true });
});

/** Types a command line and resolves with what it printed (newlines as \n) and its exit code. */
async function run(term: TerminalClient, line: string, timeoutMs = 20_000): Promise<{ out: string; code: number }> {
  const mark = `done${++marks}`;
  // Typing before the prompt is back lets the tty echo the line ahead of readline's own redraw.
  await term.waitFor(/learner@lab:[^\n]*\$ $/, { from: Math.max(0, term.screen().lastIndexOf('\n')) });
  const from = term.screen().length;
  term.type(`${line}; echo "${mark}=$?"\r`);
  const match = await term.waitFor(new RegExp(`${mark}=(\\d+)`), { from, timeoutMs });
  const text = term.screen().slice(from);
  const end = text.search(new RegExp(`${mark}=\\d`));
  // The echoed command line comes first; the output starts after it.
  const start = text.indexOf('\n');
  const out = start !== -1 && start < end ? text.slice(start + 1, end) : '';
  return { out: out.replace(/\x1b\[\?2004[hl]/g, '').replace(/\r\n/g, '\n'), code: Number(match[1]) };
}

const homeOf = () => join(playground.dataDir, 'learners', 'local', 'home');

describe('lab in the terminal', () => {
  it('prints help, and usage with exit code 2 for a bad command', async () => {
    const help = await run(shell, 'lab --help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Usage: lab <command>/);
    expect(help.out).toMatch(/nginx start\|reload\|stop/);
    const sub = await run(shell, 'lab help reset');
    expect(sub.out).toMatch(/Usage: lab reset --yes/);
    const bad = await run(shell, 'lab frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/there is no command "frobnicate"/);
    const badOption = await run(shell, 'lab hint --force');
    expect(badOption.code).toBe(2);
  });

  it('shows hints one after the other, and a given one', async () => {
    const first = await run(shell, 'lab hint');
    expect(first.out).toMatch(/Hint 1 of 4: Only handlePoll/);
    const second = await run(shell, 'lab hint');
    expect(second.out).toMatch(/Hint 2 of 4: A client that says since=3/);
    const fourth = await run(shell, 'lab hint 4');
    expect(fourth.out).toMatch(/Hint 4 of 4:/);
    const tooFar = await run(shell, 'lab hint 9');
    expect(tooFar.code).toBe(1);
    expect(tooFar.out).toMatch(/only 4 hints/);
  });

  it('runs the app: the API sees it listening, and the page hears it on the events socket', async () => {
    const events = new WebSocket(`${playground.url.replace('http', 'ws')}/ws/events?lab=short-polling`);
    const heard = new Promise<Record<string, unknown>>((resolve, reject) => {
      events.on('message', (data) => {
        const event = JSON.parse(data.toString());
        if (event.type === 'app-state' && event.listening) resolve(event);
      });
      events.on('error', reject);
    });
    await new Promise((resolve) => events.once('open', resolve));
    const started = await run(shell, 'lab run');
    expect(started.code).toBe(0);
    expect(started.out).toMatch(/listens on 127\.0\.0\.1:8999/);
    expect(await heard).toMatchObject({ lab: 'short-polling', state: 'running', listening: true });
    events.close();
    const app = await (await fetch(`${playground.url}/api/labs/short-polling/app`)).json();
    expect(app).toMatchObject({ state: 'running', listening: true });
    expect((await run(shell, 'lab status')).out).toMatch(/app\s+running, listening/);
  });

  it('checks on the host and records the progress there', async () => {
    const before = await (await fetch(`${playground.url}/api/progress`)).json();
    expect(before.labs['short-polling']).toBeUndefined();
    const checked = await run(shell, 'lab check', 60_000);
    expect(checked.code).toBe(1); // the starter fails at least one check
    expect(checked.out).toMatch(/✗ /);
    const verdict = /short-polling: (\d+) of (\d+) checks pass/.exec(checked.out);
    expect(verdict).not.toBeNull();
    const after = await (await fetch(`${playground.url}/api/progress`)).json();
    expect(after.labs['short-polling']).toMatchObject({ passed: Number(verdict![1]), total: Number(verdict![2]) });
  });

  it('checks a server the learner started by hand instead of starting a second one', async () => {
    await run(shell, 'lab stop');
    await run(shell, '(node server.ts > /tmp/by-hand.log 2>&1 &) ; until curl -s -o /dev/null http://127.0.0.1:8999/stats; do sleep 0.1; done');
    try {
      const checked = await run(shell, 'lab check', 60_000);
      expect(checked.out).toMatch(/A server you started yourself already answers on 8999: the checks use it/);
      expect(checked.out).toMatch(/short-polling: \d+ of \d+ checks pass/);
      expect((await run(shell, 'lab status')).out).not.toMatch(/app\s+(running|starting)/);
      expect((await run(shell, 'cat /tmp/by-hand.log')).out).not.toMatch(/EADDRINUSE/);
    } finally {
      await run(shell, 'pkill -f "node server.ts"; true');
    }
  });

  it('reset without --yes says what would be lost and changes nothing; with --yes it resets', async () => {
    await run(shell, "echo '// my change' >> server.ts");
    const asked = await run(shell, 'lab reset');
    expect(asked.code).toBe(1);
    expect(asked.out).toMatch(/Your changes to server\.ts would be lost/);
    expect(asked.out).toMatch(/lab reset --yes/);
    expect((await run(shell, 'tail -n 1 server.ts')).out).toMatch(/\/\/ my change/);
    const done = await run(shell, 'lab reset --yes');
    expect(done.code).toBe(0);
    expect((await run(shell, 'grep -c "my change" server.ts')).out.trim()).toBe('0');
  });

  it('refuses labs the learner did not open, unknown labs, and forged requests, and keeps working', async () => {
    const unopened = await run(shell, 'lab --lab timers run');
    expect(unopened.code).toBe(1);
    expect(unopened.out).toMatch(/You have not opened lab "timers"/);
    expect(existsSync(join(homeOf(), 'timers'))).toBe(false);
    expect((await run(shell, 'lab --lab nosuch status')).out).toMatch(/There is no lab called "nosuch"[\s\S]*~\/short-polling/);
    expect((await run(shell, 'cd ~ && lab status; cd ~/short-polling')).out).toMatch(/in your home folder, which is not a lab's folder/);

    // Straight to the socket, past the lab program: a lab id that escapes, a command that does not
    // exist, an oversized line, bytes that are not JSON. The sandbox keeps working after each.
    const forge = (payload: string) => run(shell,
      `node -e 'const s=require("net").connect(process.env.COMETLAB_LAB_SOCKET);s.end(process.argv[1]+"\\n");s.pipe(process.stdout)' "${payload}"`);
    const escaped = await forge('{\\"command\\":\\"reset\\",\\"lab\\":\\"../../etc\\",\\"cwd\\":\\"/\\",\\"hint\\":null,\\"yes\\":true,\\"action\\":null,\\"lines\\":null}');
    expect(escaped.out).toMatch(/"ok":false.*the request was refused \(lab:/);
    expect((await forge('{\\"command\\":\\"shutdown\\"}')).out).toMatch(/"ok":false.*refused/);
    expect((await forge('$(head -c 5000 /dev/zero | tr "\\\\0" x)')).out).toMatch(/"ok":false.*larger than 4096 bytes/);
    expect((await forge('not json')).out).toMatch(/"ok":false.*not JSON/);
    expect((await run(shell, 'lab status')).code).toBe(0);
  });
});

describe('lab nginx in lab 6', () => {
  let nginx: TerminalClient;

  beforeAll(async () => {
    nginx = await openTerminal(playground.url, 'nginx');
    await nginx.waitFor(/learner@lab:~\/nginx/);
  });
  afterAll(() => nginx?.ws.close());

  it('starts nginx so the same terminal reaches it on 8888, and shows its logs', async () => {
    expect((await run(shell, 'lab nginx start')).out).toMatch(/Lab short-polling does not use nginx/);
    const started = await run(nginx, 'lab nginx start');
    expect(started.code).toBe(0);
    expect(started.out).toMatch(/nginx -p ~\/nginx -c nginx\.conf -g 'daemon off;'/);
    const curl = await run(nginx, "curl -s -o /dev/null -w 'status=%{http_code}\\n' http://127.0.0.1:8888/stats");
    expect(curl.out).toMatch(/status=\d{3}/);
    const logs = await run(nginx, 'lab nginx logs --lines 5');
    expect(logs.out).toMatch(/==> ~\/nginx\/logs\/access\.log <==\n.*GET \/stats/);
    expect((await run(nginx, 'lab nginx reload')).code).toBe(0);
  });

  it('checks the nginx.conf the learner saved, and refuses to start beside an nginx started by hand', async () => {
    const loaded = "curl -s -D - -o /dev/null http://127.0.0.1:8888/stats | grep -ci '^x-loaded: saved' || true";
    expect((await run(nginx, 'lab nginx start')).code).toBe(0);
    await run(nginx, "cp nginx.conf before.conf && sed -i 's/^http {/http {\\n    add_header X-Loaded saved always;/' nginx.conf");
    expect((await run(nginx, loaded)).out).toMatch(/^0$/m);
    const checked = await run(nginx, 'lab check', 60_000);
    expect(checked.out).toMatch(/nginx\.conf changed since nginx loaded it/);
    expect((await run(nginx, loaded)).out).toMatch(/^1$/m);
    await run(nginx, 'cp before.conf nginx.conf && lab nginx stop');

    expect((await run(nginx, '/usr/sbin/nginx -p ~/nginx -c nginx.conf')).code).toBe(0);
    const beside = await run(nginx, 'lab nginx start');
    expect(beside.code).toBe(1);
    expect(beside.out).toMatch(/127\.0\.0\.1:8888 is already taken[\s\S]*nginx -p ~\/nginx -s stop/);
    expect((await run(nginx, '/usr/sbin/nginx -p ~/nginx -c nginx.conf -s stop')).code).toBe(0);
    await until('the hand-started nginx is gone', async () => (await run(nginx, 'lab nginx start')).code === 0, 10_000);
  });

  it('prints nginx -t errors as nginx wrote them, and a reload keeps the old config', async () => {
    await run(nginx, "cp nginx.conf good.conf && echo 'this_is_not_a_directive;' >> nginx.conf");
    const reload = await run(nginx, 'lab nginx reload');
    expect(reload.code).toBe(1);
    expect(reload.out).toMatch(/unknown directive "this_is_not_a_directive"/);
    expect((await run(nginx, "curl -s -o /dev/null -w 'status=%{http_code}\\n' http://127.0.0.1:8888/stats")).out).toMatch(/status=\d{3}/);
    const start = await run(nginx, 'lab nginx start');
    expect(start.code).toBe(1);
    expect(start.out).toMatch(/nginx -t said:[\s\S]*unknown directive "this_is_not_a_directive" in .*nginx\.conf/);
    await run(nginx, 'cp good.conf nginx.conf');
    expect((await run(nginx, 'lab nginx stop')).out).toMatch(/nginx is (stopped|ended by|exited)/);
  });

  it('does not read host files through a symlinked log', async () => {
    await run(nginx, 'rm -f logs/error.log && ln -s /etc/passwd logs/error.log');
    const logs = await run(nginx, 'lab nginx logs');
    expect(logs.out).toMatch(/error\.log <==\n {2}\(cannot be read here: That path leads outside the workspace/);
    expect(logs.out).not.toMatch(/root:x:0/);
  });
});
