import { TooManyAttemptsError } from "./errors";
import { setTimeout as sleep } from "node:timers/promises";
import { addressBucket } from "./client-address";
import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";

export type PasswordCheckKind = "sign-in" | "password";

export const SIGN_IN_LIMITS = {
  /** Checks one address bucket may fail within the window; then it is refused with 429 until the window ends. */
  perAddress: 30,
  windowSeconds: 15 * 60,
  /** Failures for one username that cost nothing; each further check for it waits first. */
  freeFailures: 5,
  firstDelayMs: 1000,
  /** Short enough that the person with the right password gets in while someone guesses theirs. */
  maxDelayMs: 4000,
};

/**
 * How long a check for a username waits after `failures` failed ones: nothing for the first few, then
 * 1 s, 2 s, 4 s… up to the cap. A delay, never a refusal: refusing would let anyone lock a person out by
 * guessing their password wrong a few times.
 */
export function usernameDelayMs(failures: number): number {
  const over = failures - SIGN_IN_LIMITS.freeFailures;
  if (over < 0) return 0;
  return Math.min(SIGN_IN_LIMITS.firstDelayMs * 2 ** Math.min(over, 30), SIGN_IN_LIMITS.maxDelayMs);
}

/**
 * Runs one password check (`check` gets the queue key for the hash gate) under the limits: the address
 * bucket may fail {@link SIGN_IN_LIMITS}.perAddress times per window, and a username that failed often
 * waits before its check. A check that returns the account counts as nothing.
 * @throws TooManyAttemptsError when the address is over its limit; nothing is written then.
 */
export async function limitedPasswordCheck<T>(
  redis: RedisClient,
  keys: StreamKeys,
  attempt: { username: string; address: string; kind: PasswordCheckKind },
  check: (queue: string) => Promise<T | null>,
): Promise<T | null> {
  const bucket = addressBucket(attempt.address);
  const addressKey = keys.signinAttempts("ip", bucket);
  const userKey = keys.signinAttempts("user", attempt.username);
  const windowMs = SIGN_IN_LIMITS.windowSeconds * 1000;
  const reply = await guard(redis.sdSignInBegin(addressKey, userKey, SIGN_IN_LIMITS.perAddress, windowMs));
  if (reply[0] === 0) {
    const ttl = reply[1] > 0 ? reply[1] : windowMs;
    throw new TooManyAttemptsError(Math.max(1, Math.ceil(ttl / 1000)), attempt.kind);
  }
  const delay = usernameDelayMs(reply[2]);
  if (delay > 0) await sleep(delay);
  const result = await check(bucket);
  if (result !== null) await guard(redis.sdSignInSucceeded(addressKey, userKey));
  return result;
}
