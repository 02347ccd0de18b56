// RESP, the protocol Redis speaks (version 2): how a command is written and how replies are read.
// Pure functions and a parser fed with bytes as they arrive, so it can be tested without a server.

/** An error reply from Redis, such as `-WRONGTYPE ...`. It is a value, not a thrown error, until the client decides. */
export class RespError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespError';
  }
}

export type RespValue = string | number | null | RespError | RespValue[];

/** A single reply larger than this is refused: the lab's messages are small, and memory is not free. */
const MAX_BULK_BYTES = 16 * 1024 * 1024;
const CRLF = '\r\n';

/** A command as Redis reads it: an array of bulk strings, `*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n`. */
export function encodeCommand(args: readonly (string | number)[]): Buffer {
  if (args.length === 0) throw new TypeError('a Redis command needs at least its name');
  const parts: Buffer[] = [Buffer.from(`*${args.length}${CRLF}`)];
  for (const arg of args) {
    const bytes = Buffer.from(String(arg), 'utf8');
    parts.push(Buffer.from(`$${bytes.length}${CRLF}`), bytes, Buffer.from(CRLF));
  }
  return Buffer.concat(parts);
}

/** Thrown when the bytes are not RESP: the connection can only be closed after that. */
export class RespProtocolError extends Error {}

interface Parsed {
  value: RespValue;
  end: number;
}

/** Collects bytes and hands back every complete reply; an incomplete one waits for the next chunk. */
export class RespParser {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RespValue[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const values: RespValue[] = [];
    let offset = 0;
    for (;;) {
      const parsed = parseValue(this.#buffer, offset);
      if (parsed === undefined) break;
      values.push(parsed.value);
      offset = parsed.end;
    }
    this.#buffer = this.#buffer.subarray(offset);
    return values;
  }
}

/** The value starting at `offset`, or undefined when its bytes have not all arrived yet. */
function parseValue(buffer: Buffer, offset: number): Parsed | undefined {
  const lineEnd = buffer.indexOf(CRLF, offset);
  if (lineEnd === -1) return undefined;
  const type = String.fromCharCode(buffer[offset]!);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+': return { value: line, end: next };
    case '-': return { value: new RespError(line), end: next };
    case ':': return { value: parseInteger(line), end: next };
    case '$': {
      const length = parseInteger(line);
      if (length === -1) return { value: null, end: next };
      if (length < 0 || length > MAX_BULK_BYTES) throw new RespProtocolError(`bulk string length ${length} is out of range`);
      if (buffer.length < next + length + 2) return undefined;
      if (buffer.toString('latin1', next + length, next + length + 2) !== CRLF) throw new RespProtocolError('bulk string not followed by CRLF');
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = parseInteger(line);
      if (count === -1) return { value: null, end: next };
      if (count < 0) throw new RespProtocolError(`array length ${count} is out of range`);
      const items: RespValue[] = [];
      let end = next;
      for (let i = 0; i < count; i += 1) {
        const item = parseValue(buffer, end);
        if (item === undefined) return undefined;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new RespProtocolError(`unknown reply type ${JSON.stringify(type)}`);
  }
}

function parseInteger(text: string): number {
  if (!/^-?\d{1,15}$/.test(text)) throw new RespProtocolError(`${JSON.stringify(text)} is not an integer`);
  return Number(text);
}
