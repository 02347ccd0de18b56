// Lab 7's own Redis client: the RESP codec byte by byte, and the client against a real redis-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisClient, RedisSubscriber } from '../../labs/07-scaling-out/starter/redis.ts';
import { encodeCommand, RespError, RespParser, RespProtocolError } from '../../labs/07-scaling-out/starter/resp.ts';
import { freePort } from '../helpers/ports.ts';
import { startRedis, stopServices, type Service } from '../fixtures/lab-scaling-out/services.ts';

describe('RESP', () => {
  it('writes a command as an array of bulk strings, counting bytes, not characters', () => {
    expect(encodeCommand(['SET', 'k', 'é', 7]).toString()).toBe('*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n$1\r\n7\r\n');
    expect(() => encodeCommand([])).toThrow(/at least its name/);
  });

  it('reads every reply type, including nulls, errors and nested arrays', () => {
    const parser = new RespParser();
    const values = parser.push(Buffer.from('+OK\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*-1\r\n-ERR nope\r\n*2\r\n*1\r\n:1\r\n$0\r\n\r\n'));
    expect(values.slice(0, 5)).toEqual(['OK', 42, 'hello', null, null]);
    expect(values[5]).toBeInstanceOf(RespError);
    expect((values[5] as RespError).message).toBe('ERR nope');
    expect(values[6]).toEqual([[1], '']);
  });

  it('waits for the rest of a reply split anywhere, even inside a multi-byte character', () => {
    const bytes = Buffer.from('*3\r\n$7\r\nmessage\r\n$4\r\nfeed\r\n$4\r\nnaïve\r\n'.replace('$4\r\nnaïve', `$${Buffer.byteLength('naïve')}\r\nnaïve`));
    const parser = new RespParser();
    const seen = [];
    for (let i = 0; i < bytes.length; i += 1) seen.push(...parser.push(bytes.subarray(i, i + 1)));
    expect(seen).toEqual([['message', 'feed', 'naïve']]);
  });

  it('refuses bytes that are not RESP', () => {
    expect(() => new RespParser().push(Buffer.from('?what\r\n'))).toThrow(RespProtocolError);
    expect(() => new RespParser().push(Buffer.from(':12x\r\n'))).toThrow(/not an integer/);
    expect(() => new RespParser().push(Buffer.from('$3\r\nabcd\r\n'))).toThrow(/not followed by CRLF/);
    expect(() => new RespParser().push(Buffer.from('$999999999\r\n'))).toThrow(/out of range/);
  });
});

describe('the client against redis-server', () => {
  let redis: Service;
  beforeAll(async () => { redis = await startRedis(); }, 15_000);
  afterAll(stopServices);

  it('runs the commands the lab uses, with replies in order', async () => {
    const client = await RedisClient.connect(redis.port);
    try {
      const [a, b] = await Promise.all([client.incr('n'), client.incr('n')]);
      expect([a, b]).toEqual([1, 2]);
      await client.set('greeting', 'héllo');
      expect(await client.get('greeting')).toBe('héllo');
      expect(await client.get('missing')).toBeNull();
      expect(await client.rpush('list', 'x', 'y')).toBe(2);
      expect(await client.rpush('list', 'z')).toBe(3);
      expect(await client.llen('list')).toBe(3);
      expect(await client.lrange('list', 1, -1)).toEqual(['y', 'z']);
      await expect(client.command('LPUSH', 'greeting', 'x')).rejects.toThrow(/^WRONGTYPE/);
      expect(await client.incr('n')).toBe(3);
    } finally {
      client.close();
    }
  });

  it('delivers a publish to every subscriber, and PUBLISH counts them', async () => {
    const client = await RedisClient.connect(redis.port);
    const subscribers = await Promise.all([RedisSubscriber.connect(redis.port), RedisSubscriber.connect(redis.port)]);
    try {
      const heard = subscribers.map((subscriber) => new Promise<string>((resolve) => {
        void subscriber.subscribe('news', resolve);
      }));
      // subscribe() resolves on Redis's confirmation; wait for both before publishing.
      await Promise.all(subscribers.map((subscriber) => subscriber.subscribe('other', () => undefined)));
      expect(await client.publish('news', 'message 7')).toBe(2);
      expect(await Promise.all(heard)).toEqual(['message 7', 'message 7']);
    } finally {
      client.close();
      for (const subscriber of subscribers) subscriber.close();
    }
  });

  it('says what to do when Redis is not running, after trying for a while', async () => {
    const port = await freePort();
    const started = performance.now();
    await expect(RedisClient.connect(port, '127.0.0.1', 300)).rejects.toThrow(new RegExp(`could not reach Redis at 127\\.0\\.0\\.1:${port} .*is redis-server running\\?`));
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('waits for a Redis that starts after it', async () => {
    const port = await freePort();
    const connecting = RedisClient.connect(port, '127.0.0.1', 5000);
    await startRedis(port);
    const client = await connecting;
    expect(await client.incr('late')).toBe(1);
    client.close();
  });

  it('fails pending commands and tells onClose when the connection drops', async () => {
    const client = await RedisClient.connect(redis.port);
    const killer = await RedisClient.connect(redis.port);
    const closed = new Promise<Error>((resolve) => client.onClose(resolve));
    const id = await client.command('CLIENT', 'ID');
    await killer.command('CLIENT', 'KILL', 'ID', String(id));
    killer.close();
    expect((await closed).message).toMatch(/closed/);
    await expect(client.incr('n')).rejects.toThrow(/closed/);
  });
});
