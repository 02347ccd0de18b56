// One end of the host <-> supervisor channel over a stream socket. Both sides use it; neither trusts the
// other's bytes: a framing error closes the channel, and message shapes are checked by the caller.
import type { Duplex } from 'node:stream';
import { encodeFrame, FrameDecoder, FrameKind } from './frame.ts';

export interface ChannelHandlers {
  /** A parsed JSON value, not yet validated. */
  control(message: unknown): void;
  terminal(id: number, data: Buffer): void;
  /** Called once: the peer went away or broke the protocol (then `error` says how). */
  close(error?: Error): void;
}

export class Channel {
  readonly #socket: Duplex;
  readonly #decoder = new FrameDecoder();
  #closed = false;

  constructor(socket: Duplex, handlers: ChannelHandlers) {
    this.#socket = socket;
    const fail = (error?: Error) => {
      if (this.#closed) return;
      this.#closed = true;
      socket.destroy();
      handlers.close(error);
    };
    socket.on('data', (chunk: Buffer) => {
      let frames;
      try {
        frames = this.#decoder.push(chunk);
      } catch (error) {
        fail(error as Error);
        return;
      }
      for (const frame of frames) {
        if (this.#closed) return;
        if (frame.kind === FrameKind.TERMINAL) {
          handlers.terminal(frame.stream, frame.payload);
          continue;
        }
        let message: unknown;
        try {
          message = JSON.parse(frame.payload.toString('utf8'));
        } catch {
          fail(new Error('control frame is not JSON'));
          return;
        }
        handlers.control(message);
      }
    });
    socket.on('error', (error) => fail(error));
    socket.on('close', () => fail());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** False when the socket's buffer is full; wait for onDrain before sending more bulk data. */
  sendControl(message: object): boolean {
    return this.#write(encodeFrame(FrameKind.CONTROL, 0, Buffer.from(JSON.stringify(message), 'utf8')));
  }

  sendTerminal(id: number, data: Buffer): boolean {
    return this.#write(encodeFrame(FrameKind.TERMINAL, id, data));
  }

  onDrain(listener: () => void): void {
    this.#socket.once('drain', listener);
  }

  close(): void {
    if (!this.#closed) this.#socket.end();
  }

  #write(frame: Buffer): boolean {
    if (this.#closed) return false;
    return this.#socket.write(frame);
  }
}
