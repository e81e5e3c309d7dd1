import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import { getStaffForSession, type StaffMember } from "./staff";

/** The signed-in person behind a request, re-read from Redis every time so a change applies at once. */
export interface Session {
  id: string;
  user: StaffMember;
}

/** How long a session lives: without use, and at most after sign-in. */
export interface SessionLimits {
  idleSeconds: number;
  maxSeconds: number;
}

/**
 * Creates a session that expires after `ttlSeconds` without use, stamped with the account's session
 * epoch as its password check read it (a password change in between leaves it invalid).
 */
export async function createSession(
  redis: RedisClient,
  keys: StreamKeys,
  username: string,
  ttlSeconds: number,
  epoch = "",
): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  await guard(
    redis
      .multi()
      .hset(keys.session(id), "username", username, "created", String(Date.now()), "epoch", epoch)
      .expire(keys.session(id), ttlSeconds)
      .sadd(keys.userSessions(username), id)
      .exec(),
  );
  return id;
}

/**
 * The live session for `id`, sliding its idle expiry when `slide`; null when it was idle too long, is
 * older than `limits.maxSeconds`, was ended, outlived a password change, or its account is disabled or gone.
 */
export async function touchSession(
  redis: RedisClient,
  keys: StreamKeys,
  id: string,
  limits: SessionLimits,
  slide = true,
): Promise<Session | null> {
  const multi = redis.multi().hmget(keys.session(id), "username", "created", "epoch");
  if (slide) multi.expire(keys.session(id), limits.idleSeconds);
  const replies = (await guard(multi.exec())) ?? [];
  const [username, created, epoch] = (replies[0]?.[1] ?? []) as (string | null)[];
  if (typeof username !== "string") return null;
  // Sliding alone would let a stolen cookie that is used often enough live for ever.
  if (!(Date.now() - Number(created) < limits.maxSeconds * 1000)) {
    await endSession(redis, keys, id);
    return null;
  }
  const account = await getStaffForSession(redis, keys, username);
  if (!account || account.disabled || account.sessionEpoch !== (epoch ?? "")) return null;
  const { sessionEpoch: _epoch, ...user } = account;
  return { id, user };
}

/** Ends a session on the server (the caller closes its sockets). */
export async function endSession(redis: RedisClient, keys: StreamKeys, id: string): Promise<void> {
  const username = await guard(redis.hget(keys.session(id), "username"));
  const multi = redis.multi().del(keys.session(id));
  if (username) multi.srem(keys.userSessions(username), id);
  await guard(multi.exec());
}

/** Sockets to close: every one of a person's (but those of the session `except`), or one session's. */
export type EndedSessions = { username: string; except?: string } | { sessionId: string };

/**
 * Tells every instance to close the sockets of sessions that just ended. PUBLISH reaches every subscriber
 * of the channel, on every node of a Redis Cluster too; an instance that misses it (its subscription was
 * down) still drops the sockets at its periodic re-check.
 */
export async function announceEndedSessions(redis: RedisClient, keys: StreamKeys, ended: EndedSessions): Promise<void> {
  await guard(redis.publish(keys.sessionsEnded, JSON.stringify(ended)));
}

/** An announcement read back from the channel, or null when it is not one. */
export function parseEndedSessions(message: string): EndedSessions | null {
  try {
    const value = JSON.parse(message) as Record<string, unknown>;
    if (typeof value.sessionId === "string") return { sessionId: value.sessionId };
    if (typeof value.username === "string")
      return typeof value.except === "string" ? { username: value.username, except: value.except } : { username: value.username };
  } catch {
    // Not ours: fall through.
  }
  return null;
}

/** `<id>.<hmac>`: the cookie value, so a forged or altered id is refused before Redis is asked. */
export function signSessionId(id: string, secret: string): string {
  return `${id}.${createHmac("sha256", secret).update(id).digest("base64url")}`;
}

/** The session id inside a cookie value, or null when the signature does not match. */
export function unsignSessionId(value: string, secret: string): string | null {
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return null;
  const id = value.slice(0, dot);
  const expected = Buffer.from(signSessionId(id, secret).slice(dot + 1));
  const given = Buffer.from(value.slice(dot + 1));
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}
