// Abuse of the sandbox's own filesystem: its root is bwrap's tmpfs, which has no size of its own, so
// everything outside the home, /tmp and /dev/shm must be read-only, while ordinary work goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { startLearner, until, type Learner } from './abuse-kit.ts';

const EROFS = 30;

const APP = `import http from 'node:http';
import fs from 'node:fs';
fs.writeFileSync('/tmp/app-was-here', 'yes');
http.createServer((_, res) => res.end('app ok ' + fs.readFileSync('/tmp/app-was-here', 'utf8'))).listen(8999, '127.0.0.1');
`;

describe("the sandbox's root filesystem", () => {
  let learner: Learner;

  beforeAll(async () => {
    learner = await startLearner('rofs');
  });

  afterAll(async () => {
    await learner?.stop();
  });

  it('refuses writes to /, /etc, /opt, /home and /usr with EROFS, also for folders and big files', async () => {
    const line = await learner.shell.run(
      `perl -e 'for $d ("/", "/etc", "/opt", "/home", "/usr") { print "$d=", (open(my $f, ">", "$d/probe") ? 0 : $!+0), " " } print "mkdir=", (mkdir("/newdir") ? 0 : $!+0), "\\n"'`,
      /^\/=/,
    );
    expect(line.trim()).toBe(`/=${EROFS} /etc=${EROFS} /opt=${EROFS} /home=${EROFS} /usr=${EROFS} mkdir=${EROFS}`);
    // What took a whole sandbox down before: a big write to the root now fails at once.
    const big = await learner.shell.run(`{ head -c 200000000 /dev/zero > /fill; } 2>/dev/null; echo "rc=$? file=$(ls /fill 2>/dev/null || echo none)"`, /^rc=/, 15_000);
    expect(big).toBe('rc=1 file=none');
    expect(await learner.shell.run('echo "alive=$((4 + 4))"', /^alive=/)).toBe('alive=8');
  });

  it('keeps the home, /tmp and /dev/shm writable', async () => {
    const line = await learner.shell.run(
      `r=; for d in ~ /tmp /dev/shm; do echo hi > $d/w && rm $d/w && r="$r $d=ok"; done; echo "writable:$r"`,
      /^writable:/,
    );
    expect(line).toBe('writable: /home/learner=ok /tmp=ok /dev/shm=ok');
  });

  it('still runs an app that writes to /tmp and answers through the relay', async () => {
    fs.mkdirSync(path.join(learner.home, 'app'));
    fs.writeFileSync(path.join(learner.home, 'app', 'server.ts'), APP);
    if (learner.launched.hostUid !== null) fs.chownSync(path.join(learner.home, 'app'), learner.launched.hostUid, learner.launched.hostUid);
    const { sandbox } = learner.launched;
    await sandbox.startApp({ cwd: 'app', entry: 'server.ts' });
    await until('the app listening', () => sandbox.appState().listening, 10_000);
    const socket = await sandbox.connect(8999);
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.end('GET / HTTP/1.0\r\n\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*app ok yes$/);
    await sandbox.stopApp();
  });
});
