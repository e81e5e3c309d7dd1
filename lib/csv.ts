import type { StreamKeys } from "./keys";
import type { RedisClient } from "./redis";
import { matches, scanNewestFirst, type SearchBounds, type SearchFilters } from "./search";
import { idTime } from "./stream-id";
import { isSale, seatOf, type TicketEntry } from "./entries";
import { formatPrice, type ScreeningLabel } from "./validations/program-index";

/** The export's columns, in order. */
export const CSV_COLUMNS = [
  "id",
  "time",
  "type",
  "name",
  "seat",
  "movieId",
  "sessionId",
  "soldBy",
  "refundOf",
  "title",
  "startsAt",
  "hall",
  "price",
] as const;

/** Names the screening of an entry from the programme; null for one the programme does not have. */
export type DescribeScreening = (movieId: string | undefined, sessionId: string | undefined) => ScreeningLabel | null;

/**
 * One cell, RFC 4180 quoted when it holds a comma, semicolon, tab, quote or line break. A cell a spreadsheet would run as
 * a formula (starting with = + - @, a tab or a carriage return) gets a leading `'`, so a buyer named
 * `=HYPERLINK(…)` stays text.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  // A semicolon or a tab separates cells in some locales' spreadsheets: quote those too.
  return /[",;\t\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function typeOf(entry: TicketEntry): string {
  if (entry.fields.type !== undefined) return entry.fields.type;
  return isSale(entry.fields) && seatOf(entry.fields) ? "sale" : "";
}

/**
 * One entry as a CSV line (CRLF-terminated), time as ISO 8601 from the id; the film, start and hall from the
 * programme, and the price the sale carries (in currency units, like 12.50).
 */
export function csvRow(entry: TicketEntry, describe: DescribeScreening = () => null): string {
  const f = entry.fields;
  const label = describe(f.movieId, f.sessionId);
  const price = f.price !== undefined && /^\d+$/.test(f.price) ? formatPrice(Number(f.price)) : f.price;
  const values = [
    entry.id,
    idTime(entry.id).toISOString(),
    typeOf(entry),
    f.name,
    f.seat,
    f.movieId,
    f.sessionId,
    f.soldBy,
    f.refundOf,
    label?.title,
    label?.startsAt,
    label?.hall,
    price,
  ];
  return values.map((value) => csvCell(value ?? "")).join(",") + "\r\n";
}

/** `tickets-20261129-041612.csv`, from the time of the export (UTC). */
export function exportFilename(now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  return `tickets-${stamp}.csv`;
}

/**
 * The CSV export as a byte stream: the header, then every entry between the bounds that matches the
 * filters, newest first. It reads one page of the stream each time the consumer wants more, so memory
 * stays flat for millions of rows, and stops reading when the consumer cancels (the download was
 * abandoned) or `signal` aborts.
 */
export function csvStream(
  redis: RedisClient,
  keys: StreamKeys,
  filters: SearchFilters,
  bounds: SearchBounds,
  options: {
    signal?: AbortSignal;
    describe?: DescribeScreening;
    /** EXPORT_MAX_ENTRIES: the scan stops after this many entries, whatever matched. */
    maxScanned?: number;
    /** Called once when the stream ends, fails or is cancelled. */
    onEnd?: () => void | Promise<void>;
  } = {},
): ReadableStream<Uint8Array> {
  const { signal, describe, maxScanned = Infinity } = options;
  const encoder = new TextEncoder();
  const pages = bounds.to === "0-0" ? null : scanNewestFirst(redis, keys, bounds.to, bounds.from);
  let headerSent = false;
  let scanned = 0;
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    await options.onEnd?.();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(CSV_COLUMNS.join(",") + "\r\n"));
        return;
      }
      try {
        // Pages without a match enqueue nothing, and a pull that enqueues nothing is not called again: keep
        // reading until there is something to hand over.
        for (;;) {
          if (!pages || signal?.aborted || scanned >= maxScanned) {
            controller.close();
            await pages?.return(undefined);
            await end();
            return;
          }
          const next = await pages.next();
          if (next.done) {
            controller.close();
            await end();
            return;
          }
          const page = next.value.entries.slice(0, maxScanned - scanned);
          scanned += page.length;
          const rows = page.filter((entry) => matches(filters, entry)).map((entry) => csvRow(entry, describe));
          if (rows.length > 0) {
            controller.enqueue(encoder.encode(rows.join("")));
            if (next.value.done) {
              controller.close();
              await end();
            }
            return;
          }
        }
      } catch (error) {
        await end();
        throw error;
      }
    },
    async cancel() {
      await pages?.return(undefined);
      await end();
    },
  });
}
