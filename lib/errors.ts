/** A mistake in what the caller sent; `field` names the input to change. */
export class ValidationError extends Error {
  override name = "ValidationError";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The seat is already sold for that movie + session; nothing was written. */
export class SeatTakenError extends Error {
  override name = "SeatTakenError";
  constructor(
    readonly seat: string,
    readonly movieId: string,
    readonly sessionId: string,
    readonly holderId: string,
  ) {
    super(`Seat ${seat} is already sold for movie ${movieId}, session ${sessionId}. Pick another seat.`);
  }
}

/** Redis did not answer; the operation did not happen and may be retried. */
export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
  /**
   * @param replyLost true when the command had been sent and the connection dropped before the reply: Redis
   * may have applied it. False when it was never sent, so nothing changed.
   */
  constructor(
    cause?: unknown,
    readonly replyLost = false,
  ) {
    super("The ticket store (Redis) is not reachable right now.", { cause });
  }
}

/** The consumer group does not exist on the stream. */
export class GroupMissingError extends Error {
  override name = "GroupMissingError";
  constructor(readonly group: string) {
    super(`There is no consumer group "${group}" on this stream. Check the name, or create the group first.`);
  }
}

/** A consumer group with that name already exists. */
export class GroupExistsError extends Error {
  override name = "GroupExistsError";
  constructor(readonly group: string) {
    super(`A consumer group named "${group}" already exists. Pick another name, or open the existing group.`);
  }
}

/** There is no sale with that id to refund: never sold, trimmed away, or the id is itself a refund. */
export class SaleMissingError extends Error {
  override name = "SaleMissingError";
  constructor(readonly saleId: string) {
    super(`There is no sale ${saleId} to refund: check the id (it may have been trimmed from the stream, or be a refund itself).`);
  }
}

/** The sale was already refunded; nothing was written. */
export class AlreadyRefundedError extends Error {
  override name = "AlreadyRefundedError";
  constructor(
    readonly saleId: string,
    readonly refundId: string,
  ) {
    super(`Sale ${saleId} was already refunded by entry ${refundId}; nothing was changed.`);
  }
}
