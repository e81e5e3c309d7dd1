import { Decoder, Encoder, PacketType } from "socket.io-parser";

/** How a `feed:entries` broadcast to the default namespace starts on the wire. */
const FEED_PACKET = `${PacketType.EVENT}["feed:entries",`;
const ENTRY = '{"id":"';
const STAMP = '"t":"';

/** The event a lean socket gets instead of `feed:entries`: the encoded packet, unparsed. */
export const RAW_FEED = "feed:raw";

/**
 * socket.io-parser's decoder, except that `feed:entries` packets are handed over as the raw string.
 * Everything else (handshake, acks, status) takes the real path. Real tabs each parse on their own
 * machine; a hundred simulated tabs parsing on the server's two cores would measure the parsing.
 */
class LeanDecoder extends Decoder {
  override add(chunk: unknown): void {
    if (typeof chunk === "string" && chunk.startsWith(FEED_PACKET)) {
      this.emitReserved("decoded", { type: PacketType.EVENT, nsp: "/", data: [RAW_FEED, chunk] });
      return;
    }
    super.add(chunk);
  }
}

/** Pass as socket.io-client's `parser` option. */
export const leanParser = { Encoder, Decoder: LeanDecoder };

export interface Scan {
  count: number;
  firstId: string | undefined;
  lastId: string | undefined;
}

/**
 * Reads an encoded batch without building it: counts entries, finds the first and last id, and calls
 * `stamp` with each entry's `t` field. Relies on what JSON.stringify guarantees: a quote inside a value
 * is escaped, so `{"id":"` and `"t":"` only occur as keys. Entries' fields start with `name`, never `id`.
 */
export function scanFeed(raw: string, stamp: ((t: number) => void) | undefined): Scan {
  let count = 0;
  const withStamps = stamp !== undefined && raw.includes(STAMP);
  const idAt = (at: number) => raw.slice(at + ENTRY.length, raw.indexOf('"', at + ENTRY.length));
  const first = raw.indexOf(ENTRY);
  for (let at = first; at !== -1;) {
    count++;
    const next = raw.indexOf(ENTRY, at + ENTRY.length);
    if (withStamps) {
      const s = raw.indexOf(STAMP, at);
      if (s !== -1 && (next === -1 || s < next)) {
        const start = s + STAMP.length;
        stamp(Number(raw.slice(start, raw.indexOf('"', start))));
      }
    }
    at = next;
  }
  return { count, firstId: first === -1 ? undefined : idAt(first), lastId: first === -1 ? undefined : idAt(raw.lastIndexOf(ENTRY)) };
}
