import { TooManyScansError } from "./errors";
import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";

/** How many searches and exports one person may run at once, across every instance. */
export const SCANS_PER_PERSON = 2;
/** A slot left behind by an instance that died is freed after this long. */
const SLOT_TTL_SECONDS = 600;

/**
 * Takes one of a person's scan slots (counted in Redis, so the limit holds across instances).
 * @returns a function that gives the slot back; call it exactly once, when the scan ends or is abandoned.
 * @throws TooManyScansError when every slot is taken.
 */
export async function takeScanSlot(redis: RedisClient, keys: StreamKeys, username: string): Promise<() => Promise<void>> {
  const key = keys.scanSlots(username);
  const replies = (await guard(redis.multi().incr(key).expire(key, SLOT_TTL_SECONDS).exec())) ?? [];
  const taken = Number(replies[0]?.[1]);
  if (taken > SCANS_PER_PERSON) {
    await guard(redis.decr(key));
    throw new TooManyScansError(SCANS_PER_PERSON);
  }
  let given = false;
  return async () => {
    if (given) return;
    given = true;
    await redis.decr(key).catch(() => {});
  };
}
