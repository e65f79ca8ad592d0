/**
 * Opening the plain Redis connection that the coordinator and the workers use
 * for blobs (BullMQ opens its own). The first connection is checked with a
 * PING so a wrong address or password fails at once with a clear, redacted
 * message (ioredis would otherwise retry quietly forever); after that, ioredis
 * reconnects on its own.
 */
import { Redis } from 'ioredis';
import type { RedisConnection } from './connection.js';

/**
 * Connect and PING. Rejects with `Error("cannot use Redis at <url without
 * password>: <reason>")`, the reason being the server's (WRONGPASS, NOAUTH ...)
 * when it gave one. `onError` receives later connection errors, redacted.
 */
export async function openRedis(conn: RedisConnection, { connectTimeoutMs = 10_000, onError }: { connectTimeoutMs?: number; onError?: (message: string) => void } = {}): Promise<Redis> {
  const redis = new Redis({ ...conn.options, lazyConnect: true, connectTimeout: connectTimeoutMs, maxRetriesPerRequest: 3 });
  let firstError: string | undefined;
  let connected = false;
  redis.on('error', (error: Error) => {
    const message = conn.redact(error.message);
    if (!connected) firstError ??= message;
    else onError?.(message);
  });
  try {
    await redis.connect();
    await redis.ping();
    connected = true;
    return redis;
  } catch (error) {
    redis.disconnect();
    const reason = firstError ?? conn.redact(error instanceof Error ? error.message : String(error));
    throw new Error(`cannot use Redis at ${conn.describe}: ${reason}`);
  }
}
