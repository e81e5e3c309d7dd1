import { compareIds, type StreamId } from "@/lib/stream-id";
import type { TicketEntry } from "@/lib/entries";

/**
 * The newest entries the feed loop broadcast, oldest first, with no hole between them (FEED_RING_ENTRIES
 * at most). A reconnecting tab whose gap lies inside is caught up from here instead of by `XRANGE`, so a
 * reconnect storm after an instance restart costs Redis nothing.
 *
 * The ring vouches for every entry after {@link from} up to {@link end} and nothing else: a batch that does
 * not start where the ring ends, or an outage (after which Redis may have come back with less than was
 * read), starts it over, so it never claims a range it did not see whole.
 */
export class FeedRing {
  readonly #slots: (TicketEntry | undefined)[];
  /** Index of the oldest entry held. */
  #head = 0;
  #size = 0;
  #from: StreamId | undefined;
  #end: StreamId | undefined;

  constructor(readonly capacity: number) {
    this.#slots = new Array<TicketEntry | undefined>(Math.max(0, capacity));
  }

  /** Every entry after this id (up to {@link end}) is held; undefined while the ring vouches for nothing. */
  get from(): StreamId | undefined {
    return this.#from;
  }

  /** The id of the newest entry held, or the id the ring started from when it holds none. */
  get end(): StreamId | undefined {
    return this.#end;
  }

  get size(): number {
    return this.#size;
  }

  /** Forgets everything; with an id, vouches from there on (nothing after it has been missed yet). */
  reset(from?: StreamId): void {
    this.#slots.fill(undefined);
    this.#head = 0;
    this.#size = 0;
    // A ring of no entries (FEED_RING_ENTRIES=0) vouches for nothing, ever.
    this.#from = this.capacity > 0 ? from : undefined;
    this.#end = this.#from;
  }

  /** One broadcast batch, read right after `after`. Per batch, not per entry: a copy of the references only. */
  append(after: StreamId, entries: readonly TicketEntry[]): void {
    if (this.capacity <= 0 || entries.length === 0) return;
    if (this.#end !== after) this.reset(after);
    const capacity = this.capacity;
    for (const entry of entries) {
      if (this.#size === capacity) {
        // The oldest goes; the ring now vouches only from its id on.
        this.#from = this.#slots[this.#head]!.id;
        this.#head = (this.#head + 1) % capacity;
        this.#size--;
      }
      this.#slots[(this.#head + this.#size) % capacity] = entry;
      this.#size++;
    }
    this.#end = entries.at(-1)!.id;
  }

  /**
   * Up to `count` entries after `cursor`, oldest first, ending at most at {@link end}; undefined when the
   * ring cannot vouch for everything after `cursor` (older than {@link from}, or nothing vouched for).
   */
  after(cursor: StreamId, count: number): TicketEntry[] | undefined {
    if (this.#from === undefined || compareIds(cursor, this.#from) < 0) return undefined;
    const first = this.#firstAfter(cursor);
    const taken: TicketEntry[] = [];
    for (let i = first; i < this.#size && taken.length < count; i++) taken.push(this.#at(i));
    return taken;
  }

  /** Marks held sales the indexer found double-booked, as a replay from the seat index would show them. */
  markDoubleBooked(ids: readonly StreamId[]): void {
    for (const id of ids) {
      const i = this.#firstAfter(id) - 1;
      if (i < 0 || this.#at(i).id !== id) continue;
      // A copy: the entry object was broadcast and may still be in use elsewhere.
      this.#slots[(this.#head + i) % this.capacity] = { ...this.#at(i), doubleBooked: true };
    }
  }

  #at(i: number): TicketEntry {
    return this.#slots[(this.#head + i) % this.capacity]!;
  }

  /** The position of the oldest held entry newer than `id` (binary search: ids ascend). */
  #firstAfter(id: StreamId): number {
    let low = 0;
    let high = this.#size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareIds(this.#at(mid).id, id) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
