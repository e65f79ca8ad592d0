/**
 * Content-addressed blobs in Redis: the coordinator publishes a scenario bundle
 * or a candidate under the SHA-256 of its bytes; a worker fetches it by that
 * hash and checks the bytes hash to it before using them. A blob is written once
 * (`SET NX`) and its expiry refreshed on each use, so publishing the same
 * scenario from a restarted coordinator, or from several, costs one `SET`.
 */
import type { Redis } from 'ioredis';
import { REFUSED, blobKey } from './protocol.js';
import { isHash, sha256 } from './codec.js';

/**
 * Publish `bytes` under their hash (pass `hash` when it is known), kept `ttlS`
 * seconds. Already there: only the expiry is refreshed (one round trip, the bytes
 * are not sent again), and `created` is false.
 */
export async function publishBlob(redis: Redis, prefix: string, kind: 'scenario' | 'candidate', bytes: Uint8Array, ttlS: number, hash = sha256(bytes)): Promise<{ hash: string; created: boolean }> {
  const key = blobKey(prefix, kind, hash);
  if ((await redis.expire(key, ttlS)) === 1) return { hash, created: false };
  const set = await redis.set(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', ttlS, 'NX');
  return { hash, created: set !== null };
}

/** A blob a worker will not use: unknown hash, or bytes that do not hash to it. */
export class RefusedBlobError extends Error {
  override readonly name = 'RefusedBlobError';
}

/**
 * Fetch a blob by hash and verify it. Rejects with `RefusedBlobError` (message
 * starting with `refused:`) when the hash is malformed, the blob is not in
 * Redis (never published, or expired), or its bytes hash to something else.
 */
export async function fetchVerifiedBlob(redis: Redis, prefix: string, kind: 'scenario' | 'candidate', hash: string): Promise<Buffer> {
  if (!isHash(hash)) throw new RefusedBlobError(`${REFUSED} ${kind} hash "${String(hash).slice(0, 80)}" is not a SHA-256`);
  const bytes = await redis.getBuffer(blobKey(prefix, kind, hash));
  if (bytes === null) throw new RefusedBlobError(`${REFUSED} ${kind} ${hash} is not published in Redis (never published, or expired)`);
  const actual = sha256(bytes);
  if (actual !== hash) throw new RefusedBlobError(`${REFUSED} ${kind} ${hash} cannot be verified: its bytes hash to ${actual}`);
  return bytes;
}
