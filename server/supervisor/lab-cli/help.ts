// What `lab --help` and `lab <command> --help` print. Kept apart from the parser so the words can be
// read (and changed) in one place.
import type { LabCommand } from '../../contracts/lab-command.ts';

export const GENERAL_HELP = `lab: ask the playground to run, check and reset the lab you are working on.

Usage: lab <command> [options]

Commands:
  run                        start your app (node server.ts in the lab's folder), or restart it
  stop                       stop your app
  check                      run the lab's checks against your app; a pass is recorded
  hint [N]                   show the next hint, or hint N
  reset --yes                put the lab's files back to the starter
  nginx start|reload|stop    run nginx with the lab's nginx.conf (labs that use nginx)
  nginx logs [--lines N]     the end of logs/error.log and logs/access.log
  load [--clients N] [--mode short|long|compare] [--duration 30s] [--nginx] ...
                             simulated clients against your app (or nginx): a summary table
  status                     your app and the lab's services
  help [command]             this text, or a command's

Options:
  --lab ID                   act on lab ID (default: the lab folder you are in, ~/ID/...)
  -h, --help                 show help

The playground does the work, outside your sandbox: what \`lab check\` reports is what it saw.`;

export const COMMAND_HELP: Record<LabCommand, string> = {
  run: `Usage: lab run [--lab ID]

Starts your app the way the Run button does: node <entry> in the lab's folder, listening on 8999.
A running app is restarted. Its output goes to the Output panel of the lab's page.`,
  stop: `Usage: lab stop [--lab ID]

Stops your app (the Stop button).`,
  check: `Usage: lab check [--lab ID]

Runs the lab's checks against your app, as "Check my work" does, and prints each result: what was
expected, what was seen, and a hint. Starts the app (and nginx or redis, when the lab uses them) if
they are not running. Exits 0 only when every check passes; the result counts for your progress.`,
  status: `Usage: lab status [--lab ID]

Shows whether your app runs and listens, and the state of the services the lab uses.`,
  hint: `Usage: lab hint [N] [--lab ID]

Without N, shows the next hint: the first call hint 1, the next one hint 2, and so on.
With N, shows hint N. Hints go from gentle to almost the answer.`,
  reset: `Usage: lab reset --yes [--lab ID]

Puts the lab's files back to the starter. Your changes to them are lost; files you made yourself stay.
Without --yes, says what would be replaced and changes nothing.`,
  nginx: `Usage: lab nginx start|reload|stop [--lab ID]
       lab nginx logs [--lines N] [--lab ID]

  start    test ~/<lab>/nginx.conf (nginx -t), then run
           nginx -p ~/<lab> -c nginx.conf -g 'daemon off;'   (restarts a running one)
  reload   test the config again, then tell the running nginx to reload it (nginx -s reload);
           a config that fails the test is refused and the running nginx keeps the old one
  stop     stop nginx
  logs     the last lines (default 20) of logs/error.log and logs/access.log in the lab's folder`,
  load: `Usage: lab load [--clients N] [--mode short|long|compare] [--duration D] [--interval D]
                [--timeout D] [--publish-every D] [--nginx] [--lab ID]
       lab load stop | status

Runs simulated clients against your app (port 8999; with --nginx, nginx on 8888), as the lab page's
Simulated clients panel does: the page's timeline shows their requests. A progress bar while it runs,
then a summary: delivery delay p50/p99, requests per delivered message, requests per second, the share
of empty answers, errors, and the tool's own CPU per delivery (so you can judge its figures).
Ctrl-C stops the run early and still prints the summary. Durations: 30s, 500ms, 2m (bare numbers are seconds).

  --clients N          how many clients, 1 to 10000 (default 100)
  --mode M             short: GET /poll?timeout=0 every interval; long: GET /poll?timeout=T again as soon
                       as an answer comes; compare: half of each, same feed (default long)
  --duration D         how long, 1s to 300s (default 20s)
  --interval D         short polling's interval, 50ms to 60s (default 1s)
  --timeout D          the long poll's timeout=T, 0.1s to 120s (default 10s)
  --publish-every D    POST /publish a stamped message this often, 50ms to 60s, 0 for never (default 5s)
  --nginx              load nginx on 8888 instead of the app`,
};
