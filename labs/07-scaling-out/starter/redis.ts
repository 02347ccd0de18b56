// A small Redis client of our own, enough for this lab: commands with replies in order, and a separate
// subscriber connection for pub/sub. (A connection that has subscribed can run no other command; that is
// how Redis works, so the two are separate classes.)
import { connect, type Socket } from 'node:net';
import { encodeCommand, RespError, RespParser, type RespValue } from './resp.ts';

export { RespError, type RespValue } from './resp.ts';

export const REDIS_HOST = '127.0.0.1';
export const REDIS_PORT = Number(process.env.REDIS_PORT ?? 6379);

/** How long a client keeps trying while Redis is not up yet: the app may start before Redis does. */
export const REDIS_WAIT_MS = 10_000;
const RETRY_EVERY_MS = 100;

function attempt(port: number, host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Opens a TCP connection to Redis, trying again for `waitMs`; fails with a sentence a learner can act on. */
async function open(port: number, host: string, waitMs: number): Promise<Socket> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await attempt(port, host);
    } catch (error) {
      const refused = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
      if (!refused || Date.now() >= deadline) {
        throw new Error(`could not reach Redis at ${host}:${port} (${(error as Error).message}): is redis-server running?`);
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
    }
  }
}

/** Reads replies off `socket` and hands each to `onReply`; `onEnd` once, when the connection is over. */
function readReplies(socket: Socket, onReply: (value: RespValue) => void, onEnd: (why: Error) => void): void {
  const parser = new RespParser();
  let ended = false;
  const end = (why: Error) => {
    if (ended) return;
    ended = true;
    socket.destroy();
    onEnd(why);
  };
  socket.on('data', (chunk: Buffer) => {
    try {
      for (const value of parser.push(chunk)) onReply(value);
    } catch (error) {
      end(error as Error);
    }
  });
  socket.on('error', end);
  socket.on('close', () => end(new Error('the connection to Redis closed')));
}

interface Pending {
  resolve: (value: RespValue) => void;
  reject: (error: Error) => void;
}

/** Commands and their replies. Redis answers in the order it was asked, so a queue pairs them up. */
export class RedisClient {
  readonly #socket: Socket;
  readonly #pending: Pending[] = [];
  #closed: Error | undefined;
  #onClose: ((why: Error) => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    readReplies(socket, (value) => this.#reply(value), (why) => this.#end(why));
  }

  static async connect(port = REDIS_PORT, host = REDIS_HOST, waitMs = REDIS_WAIT_MS): Promise<RedisClient> {
    return new RedisClient(await open(port, host, waitMs));
  }

  /** Any command, e.g. `command('LLEN', 'feed')`. An error reply rejects with a RespError. */
  command(...args: (string | number)[]): Promise<RespValue> {
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      this.#socket.write(encodeCommand(args));
    });
  }

  async incr(key: string): Promise<number> {
    return asNumber(await this.command('INCR', key));
  }

  async get(key: string): Promise<string | null> {
    const value = await this.command('GET', key);
    return value === null ? null : asString(value);
  }

  async set(key: string, value: string): Promise<void> {
    await this.command('SET', key, value);
  }

  /** Appends to a list; the answer is the list's new length, counted atomically by Redis. */
  async rpush(key: string, ...values: string[]): Promise<number> {
    return asNumber(await this.command('RPUSH', key, ...values));
  }

  async llen(key: string): Promise<number> {
    return asNumber(await this.command('LLEN', key));
  }

  /** Items `start` to `stop` of a list, both included, counted from 0; -1 is the last one. */
  async lrange(key: string, start: number, stop: number): Promise<string[]> {
    const value = await this.command('LRANGE', key, start, stop);
    if (!Array.isArray(value)) throw new TypeError(`LRANGE answered ${String(value)}`);
    return value.map(asString);
  }

  /** Sends `message` to every subscriber of `channel`; the answer is how many received it. */
  async publish(channel: string, message: string): Promise<number> {
    return asNumber(await this.command('PUBLISH', channel, message));
  }

  /** Called once if the connection ends before close(); what was pending fails with the same reason. */
  onClose(listener: (why: Error) => void): void {
    this.#onClose = listener;
  }

  close(): void {
    this.#onClose = undefined;
    this.#socket.destroy();
  }

  #reply(value: RespValue): void {
    const pending = this.#pending.shift();
    if (!pending) return;
    if (value instanceof RespError) pending.reject(value);
    else pending.resolve(value);
  }

  #end(why: Error): void {
    this.#closed = why;
    for (const pending of this.#pending.splice(0)) pending.reject(why);
    this.#onClose?.(why);
  }
}

/** A connection in subscriber mode: it only receives what is published on its channels. */
export class RedisSubscriber {
  readonly #socket: Socket;
  readonly #handlers = new Map<string, (message: string) => void>();
  readonly #confirmations: Array<() => void> = [];
  #onClose: ((why: Error) => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    readReplies(socket, (value) => this.#push(value), (why) => this.#onClose?.(why));
  }

  static async connect(port = REDIS_PORT, host = REDIS_HOST, waitMs = REDIS_WAIT_MS): Promise<RedisSubscriber> {
    return new RedisSubscriber(await open(port, host, waitMs));
  }

  /** Resolves once Redis confirms: from then on, every PUBLISH to `channel` reaches `onMessage`. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<void> {
    this.#handlers.set(channel, onMessage);
    return new Promise((resolve) => {
      this.#confirmations.push(resolve);
      this.#socket.write(encodeCommand(['SUBSCRIBE', channel]));
    });
  }

  onClose(listener: (why: Error) => void): void {
    this.#onClose = listener;
  }

  close(): void {
    this.#onClose = undefined;
    this.#socket.destroy();
  }

  // Pushes look like ["message", channel, payload] and ["subscribe", channel, count].
  #push(value: RespValue): void {
    if (!Array.isArray(value)) return;
    const [kind, channel, payload] = value;
    if (kind === 'subscribe') this.#confirmations.shift()?.();
    else if (kind === 'message' && typeof channel === 'string' && typeof payload === 'string') this.#handlers.get(channel)?.(payload);
  }
}

function asNumber(value: RespValue): number {
  if (typeof value !== 'number') throw new TypeError(`expected an integer reply, got ${String(value)}`);
  return value;
}

function asString(value: RespValue): string {
  if (typeof value !== 'string') throw new TypeError(`expected a string reply, got ${String(value)}`);
  return value;
}
