// Framing of the host <-> supervisor channel: one byte stream carries many logical streams, so every
// message is cut into a frame with a fixed header. Pure logic, no I/O: the channel module feeds it bytes.
//
//   u32 BE  payload length
//   u8      kind     (CONTROL: a JSON message; TERMINAL: raw pty bytes for one terminal)
//   u32 BE  stream   (terminal id for TERMINAL frames, 0 for CONTROL)
//   ...     payload

export const FrameKind = { CONTROL: 1, TERMINAL: 2 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export const HEADER_BYTES = 9;
/** Large enough for any control message or pty chunk; a bigger length means a broken or hostile peer. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export interface Frame {
  kind: FrameKind;
  stream: number;
  payload: Buffer;
}

export class FrameError extends Error {
  name = 'FrameError';
}

export function encodeFrame(kind: FrameKind, stream: number, payload: Buffer): Buffer {
  if (payload.length > MAX_PAYLOAD_BYTES) {
    throw new FrameError(`frame payload of ${payload.length} bytes exceeds the limit of ${MAX_PAYLOAD_BYTES}`);
  }
  if (!Number.isInteger(stream) || stream < 0 || stream > 0xffffffff) {
    throw new FrameError(`stream id ${stream} is not a u32`);
  }
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt8(kind, 4);
  frame.writeUInt32BE(stream, 5);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

function isFrameKind(value: number): value is FrameKind {
  return value === FrameKind.CONTROL || value === FrameKind.TERMINAL;
}

/**
 * Turns arbitrary chunks (a frame split across reads, several frames in one read) back into frames.
 * Throws FrameError on a header that cannot be valid; the caller must then drop the connection,
 * because the stream can no longer be resynchronised.
 */
export class FrameDecoder {
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  push(chunk: Buffer): Frame[] {
    if (chunk.length > 0) {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
    }
    const frames: Frame[] = [];
    while (this.#pendingBytes >= HEADER_BYTES) {
      const head = this.#peek(HEADER_BYTES);
      const length = head.readUInt32BE(0);
      const kind = head.readUInt8(4);
      if (length > MAX_PAYLOAD_BYTES) {
        throw new FrameError(`frame of ${length} bytes exceeds the limit of ${MAX_PAYLOAD_BYTES}`);
      }
      if (!isFrameKind(kind)) throw new FrameError(`unknown frame kind ${kind}`);
      if (this.#pendingBytes < HEADER_BYTES + length) break;
      const whole = this.#take(HEADER_BYTES + length);
      frames.push({ kind, stream: whole.readUInt32BE(5), payload: whole.subarray(HEADER_BYTES) });
    }
    return frames;
  }

  /** Bytes received that do not yet form a whole frame. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  #peek(bytes: number): Buffer {
    if (this.#pending[0]!.length < bytes) this.#pending = [Buffer.concat(this.#pending)];
    return this.#pending[0]!.subarray(0, bytes);
  }

  #take(bytes: number): Buffer {
    if (this.#pending[0]!.length < bytes) this.#pending = [Buffer.concat(this.#pending)];
    const first = this.#pending[0]!;
    const taken = first.subarray(0, bytes);
    if (first.length === bytes) this.#pending.shift();
    else this.#pending[0] = first.subarray(bytes);
    this.#pendingBytes -= bytes;
    return taken;
  }
}
