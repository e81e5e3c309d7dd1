import { AlreadyRefundedError, SaleMissingError, ValidationError } from "./errors";
import type { StreamKeys } from "./keys";
import { guard, type RedisClient } from "./redis";
import { trimArgs, type RetentionPolicy } from "./retention";
import { isStreamId, type StreamId } from "./stream-id";
import { isSale, seatOf, toEntries, type RawEntry } from "./entries";

/**
 * Refunds a sale: appends `type refund, refundOf <saleId>, name, seat, movieId, sessionId, refundedBy`,
 * frees the seat when the sale still holds it, and audits the refund (`ticket.refund`), all in one script
 * (see REFUND_TICKET).
 * @returns the refund entry's id.
 * @throws ValidationError for a malformed id; SaleMissingError when there is no such sale (never sold,
 * trimmed, not a ticket, or a refund itself); AlreadyRefundedError when a refund exists for it.
 */
export async function refundTicket(
  redis: RedisClient,
  keys: StreamKeys,
  actor: string,
  saleId: string,
  options: { retention?: RetentionPolicy } = {},
): Promise<StreamId> {
  if (!isStreamId(saleId)) throw new ValidationError("The sale id must be an entry id like 1700000000000-0.", "id");
  // Stream entries never change once written, so the seat hash read from this copy is the one the script
  // will see; the script itself checks that the entry still exists and is a sale.
  const [entry] = toEntries((await guard(redis.xrange(keys.stream, saleId, saleId))) as RawEntry[]);
  const claim = entry && isSale(entry.fields) ? seatOf(entry.fields) : null;
  if (!claim) throw new SaleMissingError(saleId);
  const [outcome, id] = await guard(
    redis.sdRefundTicket(
      keys.stream,
      keys.refunds,
      keys.seats(claim.movieId, claim.sessionId),
      keys.audit,
      saleId,
      actor,
      claim.seat,
      ...trimArgs(options.retention),
    ),
  );
  if (outcome === 0) throw new SaleMissingError(saleId);
  if (outcome === 2) throw new AlreadyRefundedError(saleId, id);
  return id;
}
