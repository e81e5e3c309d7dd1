import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";

/** Too many sign-in attempts; `retryAfterSeconds` says how long to wait. */
export class TooManyAttemptsError extends Error {
  override name = "TooManyAttemptsError";
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.ceil(retryAfterSeconds / 60);
    super(`Too many sign-in attempts. Wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again, or ask a supervisor to reset your password.`);
  }
}

export const SIGN_IN_LIMITS = { perUser: 5, perAddress: 30, windowSeconds: 15 * 60 };

/**
 * Counts one sign-in attempt against the username and the address, in Redis so the limit holds across
 * instances.
 * @throws TooManyAttemptsError when either counter is over its limit.
 */
export async function countSignInAttempt(redis: RedisClient, keys: StreamKeys, username: string, address: string): Promise<void> {
  const userKey = keys.signinAttempts("user", username);
  const addressKey = keys.signinAttempts("ip", address);
  const window = SIGN_IN_LIMITS.windowSeconds;
  const replies =
    (await guard(
      redis.multi().incr(userKey).expire(userKey, window, "NX").ttl(userKey).incr(addressKey).expire(addressKey, window, "NX").ttl(addressKey).exec(),
    )) ?? [];
  const [userCount, , userTtl, addressCount, , addressTtl] = replies.map(([, value]) => Number(value));
  const over: number[] = [];
  if (userCount! > SIGN_IN_LIMITS.perUser) over.push(userTtl!);
  if (addressCount! > SIGN_IN_LIMITS.perAddress) over.push(addressTtl!);
  if (over.length > 0) throw new TooManyAttemptsError(Math.max(1, ...over));
}

/** Forgets a username's failed attempts after it signs in. */
export async function clearSignInAttempts(redis: RedisClient, keys: StreamKeys, username: string): Promise<void> {
  await guard(redis.del(keys.signinAttempts("user", username)));
}
