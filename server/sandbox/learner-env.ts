// The whole environment a learner's processes get. Never built from process.env: the host's variables
// (secrets, paths) must not reach learner code.
export function learnerEnv(nodeBinDir: string, home: string, user: string): Record<string, string> {
  return {
    PATH: `${nodeBinDir}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`, // nginx lives in sbin
    HOME: home,
    USER: user,
    LOGNAME: user,
    SHELL: '/bin/bash',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    PS1: 'learner@lab:\\w\\$ ',
  };
}

/** What bwrap itself is started with: its pid 1 inside keeps this environment, readable in /proc/1/environ. */
export const LAUNCHER_ENV: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin' };
