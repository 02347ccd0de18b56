// A WebSocket to the playground that comes back after a drop, waiting longer after each failure.
import type { z } from 'zod';
import { retryDelay } from '../backoff.ts';

/** A text frame checked against its contract; null for anything else (it is dropped, never trusted). */
export function parseMessage<T>(schema: z.ZodType<T>, text: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
export interface Socket {
  send(text: string): boolean;
  /** Close for good (no reconnect). */
  close(): void;
  /** Open a fresh connection now (after a deliberate close). */
  reopen(): void;
}

export interface SocketHandlers {
  onOpen?(socket: WebSocket): void;
  onText?(text: string): void;
  onBinary?(bytes: Uint8Array): void;
  /** Called when the connection drops; `willRetry` says whether a reconnect is scheduled. */
  onDrop?(willRetry: boolean): void;
}

export function playgroundUrl(path: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

/** `path` may be a function: it is asked again on every reconnect (a terminal's id is known only later). */
export function openSocket(path: string | (() => string), handlers: SocketHandlers): Socket {
  let socket: WebSocket | null = null;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let wanted = true;

  function connect(): void {
    const current = new WebSocket(playgroundUrl(typeof path === 'function' ? path() : path));
    current.binaryType = 'arraybuffer';
    socket = current;
    current.addEventListener('open', () => {
      failures = 0;
      handlers.onOpen?.(current);
    });
    current.addEventListener('message', (event) => {
      if (typeof event.data === 'string') handlers.onText?.(event.data);
      else handlers.onBinary?.(new Uint8Array(event.data as ArrayBuffer));
    });
    current.addEventListener('close', () => {
      if (socket !== current) return;
      socket = null;
      handlers.onDrop?.(wanted);
      if (!wanted) return;
      retryTimer = setTimeout(connect, retryDelay(++failures));
    });
  }

  connect();
  return {
    send(text) {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(text);
      return true;
    },
    close() {
      wanted = false;
      clearTimeout(retryTimer);
      socket?.close();
    },
    reopen() {
      clearTimeout(retryTimer);
      wanted = true;
      failures = 0;
      if (!socket) connect();
    },
  };
}
