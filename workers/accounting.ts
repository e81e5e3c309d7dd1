import { recordAccounting } from "@/lib/accounting";
import type { StreamKeys } from "@/lib/keys";
import type { RedisClient } from "@/lib/redis";
import type { TicketEntry } from "@/lib/entries";
import type { Handler, Outcome } from "./loop";

/**
 * The `accounting` worker: one script per batch counts each entry once (see RECORD_ACCOUNTING), so a batch
 * handled again after a crash before its XACK changes nothing. Entries that name no valid seat are not
 * money: they are acked and left out.
 */
export class Accountant implements Handler {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: StreamKeys,
  ) {}

  async handle(entries: TicketEntry[]): Promise<Outcome> {
    await recordAccounting(this.redis, this.keys, entries);
    return { failed: [], poison: [] };
  }
}
