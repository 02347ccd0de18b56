// WebSocket (RFC 6455), the parts this lab needs: the opening handshake, frames in both directions,
// text messages, ping/pong and close. No extensions, no fragmented messages, small messages only.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** Fixed by the RFC: the server proves it read the client's key by hashing it with this. */
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_PAYLOAD_BYTES = 64 * 1024;

export const Opcode = { text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** The Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
}

/**
 * One frame. Clients must mask what they send (`mask`: 4 random bytes); servers must not. Length is
 * 7 bits, or 126 + 16 bits, or 127 + 64 bits.
 */
export function encodeFrame(opcode: number, payload: Buffer, mask?: Buffer): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const head = Buffer.alloc(2 + lengthBytes + (mask ? 4 : 0));
  head[0] = 0x80 | opcode;
  head[1] = (mask ? 0x80 : 0) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) head.writeUInt16BE(length, 2);
  if (lengthBytes === 8) head.writeBigUInt64BE(BigInt(length), 2);
  if (!mask) return Buffer.concat([head, payload]);
  mask.copy(head, head.length - 4);
  return Buffer.concat([head, applyMask(payload, mask)]);
}

function applyMask(payload: Buffer, mask: Buffer): Buffer {
  const out = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i += 1) out[i] = payload[i]! ^ mask[i % 4]!;
  return out;
}

export class WebSocketProtocolError extends Error {}

/** Collects bytes and hands back every complete frame, unmasked. */
export class FrameParser {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.#next();
      if (frame === undefined) return frames;
      frames.push(frame);
    }
  }

  #next(): Frame | undefined {
    const buffer = this.#buffer;
    if (buffer.length < 2) return undefined;
    if ((buffer[0]! & 0x70) !== 0) throw new WebSocketProtocolError('reserved bits set: no extension was agreed');
    const masked = (buffer[1]! & 0x80) !== 0;
    const short = buffer[1]! & 0x7f;
    const lengthBytes = short === 126 ? 2 : short === 127 ? 8 : 0;
    const start = 2 + lengthBytes + (masked ? 4 : 0);
    if (buffer.length < start) return undefined;
    const length = lengthBytes === 0 ? short : lengthBytes === 2 ? buffer.readUInt16BE(2) : Number(buffer.readBigUInt64BE(2));
    if (length > MAX_PAYLOAD_BYTES) throw new WebSocketProtocolError(`a frame of ${length} bytes is larger than ${MAX_PAYLOAD_BYTES}`);
    if (buffer.length < start + length) return undefined;
    const body = buffer.subarray(start, start + length);
    const payload = masked ? applyMask(body, buffer.subarray(start - 4, start)) : Buffer.from(body);
    this.#buffer = buffer.subarray(start + length);
    return { fin: (buffer[0]! & 0x80) !== 0, opcode: buffer[0]! & 0x0f, payload };
  }
}

/** The server's end of an open WebSocket. */
export class WebSocket {
  readonly #socket: Duplex;
  #open = true;
  #onText: (text: string) => void = () => undefined;
  #onClose: () => void = () => undefined;

  constructor(socket: Duplex, head: Buffer) {
    this.#socket = socket;
    const parser = new FrameParser();
    const receive = (chunk: Buffer) => {
      try {
        for (const frame of parser.push(chunk)) this.#receive(frame);
      } catch {
        this.close(1002);
      }
    };
    socket.on('data', receive);
    // The client went away without a close frame: finish our side too.
    socket.on('end', () => socket.end());
    socket.on('close', () => this.#closed());
    // An error is followed by 'close'; listening here only keeps it from crashing the server.
    socket.on('error', () => socket.destroy());
    // Frames that came with the handshake wait a tick, so the caller can set onText first.
    if (head.length > 0) process.nextTick(receive, head);
  }

  get open(): boolean {
    return this.#open;
  }

  send(text: string): void {
    if (this.#open) this.#socket.write(encodeFrame(Opcode.text, Buffer.from(text)));
  }

  /** Bytes built once (encodeFrame), written to many sockets: the way to fan out one message. */
  sendFrame(frame: Buffer): void {
    if (this.#open) this.#socket.write(frame);
  }

  /** Proxies drop connections that look idle; a ping every few seconds keeps this one busy. */
  ping(): void {
    if (this.#open) this.#socket.write(encodeFrame(Opcode.ping, Buffer.alloc(0)));
  }

  close(code = 1000): void {
    if (!this.#open) return;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    this.#socket.end(encodeFrame(Opcode.close, payload));
    this.#closed();
  }

  onText(listener: (text: string) => void): void {
    this.#onText = listener;
  }

  onClose(listener: () => void): void {
    this.#onClose = listener;
  }

  #receive(frame: Frame): void {
    if (frame.opcode === Opcode.text) this.#onText(frame.payload.toString('utf8'));
    else if (frame.opcode === Opcode.ping) this.#socket.write(encodeFrame(Opcode.pong, frame.payload));
    else if (frame.opcode === Opcode.close) this.close();
  }

  #closed(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#onClose();
  }
}

/**
 * Answers a server's 'upgrade' event: 101 Switching Protocols and an open WebSocket when the request
 * is a valid WebSocket handshake, otherwise 400 and undefined.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer): WebSocket | undefined {
  const key = req.headers['sec-websocket-key'];
  const valid = req.method === 'GET' && req.headers.upgrade?.toLowerCase() === 'websocket' &&
    req.headers['sec-websocket-version'] === '13' && typeof key === 'string' && /^[A-Za-z0-9+/]{22}==$/.test(key);
  if (!valid) {
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    return undefined;
  }
  socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n' +
    `sec-websocket-accept: ${acceptKey(key)}\r\n\r\n`);
  return new WebSocket(socket, head);
}
