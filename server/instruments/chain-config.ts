// The nginx side of the chain's Try it. When the learner's own config already waits nginxS for the app,
// their nginx runs the try as it is; otherwise the try runs with a config made here (same ports, same
// logs, one proxy_read_timeout) and the learner's own is started again after. Pure.

/** Where the made config goes, relative to the lab folder: hidden, and never a file the learner edits. */
export const CHAIN_CONFIG_PATH = '.cometlab/chain-nginx.conf';

/** `proxy_read_timeout` values of a config in seconds, comments left out; null for a value nginx would refuse. */
export function readTimeoutsOf(config: string): Array<number | null> {
  const text = config.replace(/#[^\n]*/g, '');
  return [...text.matchAll(/(?:^|[;{}\s])proxy_read_timeout\s+([^;\s]+)\s*;/g)].map((match) => nginxSeconds(match[1]!));
}

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** An nginx time ("2s", "2500ms", "1m30s", "3") in seconds; null when it is not one. */
export function nginxSeconds(value: string): number | null {
  if (/^\d+$/.test(value)) return Number(value);
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== value) return null;
  return parts.reduce((sum, part) => sum + Number(part[1]) * UNITS[part[2]!]!, 0);
}

/** True when every read timeout of the config is nginxS (and there is one): the learner's nginx can run the try. */
export function configWaits(config: string, nginxS: number): boolean {
  const timeouts = readTimeoutsOf(config);
  return timeouts.length > 0 && timeouts.every((seconds) => seconds !== null && Math.abs(seconds - nginxS) < 0.0005);
}

/** A config for one try: 8888 to the app on 8999, waiting nginxS, logging where the lab's config logs. */
export function chainNginxConfig(nginxS: number): string {
  const readTimeoutMs = Math.round(nginxS * 1000);
  return `# Made by the timeout chain's Try it for one poll; your nginx.conf is started again after it.
pid        .cometlab/chain-nginx.pid;
error_log  logs/error.log info;
events { worker_connections 64; }
http {
    log_format chain '$remote_addr "$request" $status $body_bytes_sent '
                     'request_time=$request_time upstream_status=$upstream_status '
                     'upstream_time=$upstream_response_time';
    access_log logs/access.log chain;
    client_body_temp_path tmp/body;
    proxy_temp_path       tmp/proxy;
    fastcgi_temp_path     tmp/fastcgi;
    uwsgi_temp_path       tmp/uwsgi;
    scgi_temp_path        tmp/scgi;
    server {
        listen 127.0.0.1:8888;
        location / {
            proxy_pass http://127.0.0.1:8999;
            proxy_read_timeout ${readTimeoutMs}ms;
            proxy_next_upstream off;
        }
    }
}
`;
}
