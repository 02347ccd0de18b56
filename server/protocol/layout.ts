// The file descriptors a supervisor finds open at start. Both launchers pass them in this order so the
// supervisor does not need to know which launcher started it.
export const CHANNEL_FD = 3;
/** Listening unix sockets made by the host; the supervisor accepts on them and relays to 127.0.0.1:port. */
export const RELAY_FDS = { 8999: 4, 8888: 5 } as const;
export type RelayPort = keyof typeof RELAY_FDS;
export const RELAY_PORTS = [8999, 8888] as const satisfies readonly RelayPort[];

/** Flow control of a terminal: pause the pty above HIGH unacknowledged bytes, resume below LOW. */
export const FLOW_HIGH_BYTES = 100_000;
export const FLOW_LOW_BYTES = 10_000;
/** Largest chunk of terminal input or output put in one frame. */
export const MAX_TERMINAL_CHUNK = 64 * 1024;
