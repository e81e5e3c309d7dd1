import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import { getStaff, type StaffMember } from "./staff";

/** The signed-in person behind a request, re-read from Redis every time so a change applies at once. */
export interface Session {
  id: string;
  user: StaffMember;
}

/** Creates a session that expires after `ttlSeconds` without use. */
export async function createSession(redis: RedisClient, keys: StreamKeys, username: string, ttlSeconds: number): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  await guard(
    redis
      .multi()
      .hset(keys.session(id), "username", username, "created", String(Date.now()))
      .expire(keys.session(id), ttlSeconds)
      .sadd(keys.userSessions(username), id)
      .exec(),
  );
  return id;
}

/**
 * The live session for `id`, sliding its expiry to `ttlSeconds` (or leaving it, when null); null when it
 * expired, was ended, or its account is disabled or gone.
 */
export async function touchSession(redis: RedisClient, keys: StreamKeys, id: string, ttlSeconds: number | null): Promise<Session | null> {
  const multi = redis.multi().hget(keys.session(id), "username");
  if (ttlSeconds !== null) multi.expire(keys.session(id), ttlSeconds);
  const replies = (await guard(multi.exec())) ?? [];
  const username = replies[0]?.[1];
  if (typeof username !== "string") return null;
  const user = await getStaff(redis, keys, username);
  if (!user || user.disabled) return null;
  return { id, user };
}

/** Ends a session on the server. */
export async function endSession(redis: RedisClient, keys: StreamKeys, id: string): Promise<void> {
  const username = await guard(redis.hget(keys.session(id), "username"));
  const multi = redis.multi().del(keys.session(id));
  if (username) multi.srem(keys.userSessions(username), id);
  await guard(multi.exec());
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
