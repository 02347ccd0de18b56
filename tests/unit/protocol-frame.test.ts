import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FrameError, FrameKind, HEADER_BYTES, MAX_PAYLOAD_BYTES } from '../../server/protocol/frame.ts';

const control = (text: string) => encodeFrame(FrameKind.CONTROL, 0, Buffer.from(text));

describe('frame codec', () => {
  it('round-trips a frame with its kind, stream and payload', () => {
    const frames = new FrameDecoder().push(encodeFrame(FrameKind.TERMINAL, 42, Buffer.from([0, 1, 255])));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.kind).toBe(FrameKind.TERMINAL);
    expect(frames[0]!.stream).toBe(42);
    expect([...frames[0]!.payload]).toEqual([0, 1, 255]);
  });

  it('reassembles a frame delivered one byte at a time, header included', () => {
    const bytes = control('{"type":"shutdown"}');
    const decoder = new FrameDecoder();
    const seen = [];
    for (let i = 0; i < bytes.length; i++) seen.push(...decoder.push(bytes.subarray(i, i + 1)));
    expect(seen.map((f) => f.payload.toString())).toEqual(['{"type":"shutdown"}']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('splits several frames that arrive in one chunk, and keeps a trailing partial one', () => {
    const third = control('three');
    const chunk = Buffer.concat([control('one'), encodeFrame(FrameKind.TERMINAL, 7, Buffer.from('two')), third.subarray(0, 5)]);
    const decoder = new FrameDecoder();
    expect(decoder.push(chunk).map((f) => `${f.kind}:${f.stream}:${f.payload}`)).toEqual(['1:0:one', '2:7:two']);
    expect(decoder.bufferedBytes).toBe(5);
    expect(decoder.push(third.subarray(5)).map((f) => f.payload.toString())).toEqual(['three']);
  });

  it('accepts an empty payload', () => {
    expect(new FrameDecoder().push(control(''))[0]!.payload.length).toBe(0);
  });

  it('rejects an oversize length as soon as the header is in, with a clear error', () => {
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32BE(MAX_PAYLOAD_BYTES + 1, 0);
    header.writeUInt8(FrameKind.CONTROL, 4);
    expect(() => new FrameDecoder().push(header)).toThrow(FrameError);
    expect(() => new FrameDecoder().push(header)).toThrow(/exceeds the limit/);
  });

  it('rejects an unknown kind', () => {
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt8(9, 4);
    expect(() => new FrameDecoder().push(header)).toThrow(/unknown frame kind 9/);
  });

  it('refuses to encode what the other side would reject', () => {
    expect(() => encodeFrame(FrameKind.CONTROL, 0, Buffer.alloc(MAX_PAYLOAD_BYTES + 1))).toThrow(FrameError);
    expect(() => encodeFrame(FrameKind.TERMINAL, -1, Buffer.alloc(1))).toThrow(/u32/);
  });
});
